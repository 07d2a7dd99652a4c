import DICOM
import Foundation
import ImagingCore

/// What a send did: every file is sent, failed or skipped.
public struct StoreSummary: Sendable, CustomStringConvertible {
    /// Files the peer stored (status success or warning).
    public var sent: [URL] = []
    /// Files stored with a warning status.
    public var warnings: [(file: URL, status: DIMSEStatus)] = []
    /// Files not stored, with the error.
    public var failed: [(file: URL, error: DICOMNetworkError)] = []
    /// Files skipped before sending (not DICOM instances).
    public var skipped: [(file: URL, reason: String)] = []

    /// True when nothing failed.
    public var succeeded: Bool { failed.isEmpty }

    public var description: String {
        "sent \(sent.count), failed \(failed.count), skipped \(skipped.count)" + (warnings.isEmpty ? "" : " (\(warnings.count) with warnings)")
    }
}

/// C-STORE SCU: sends files and folders to a peer over one or more associations.
public enum StoreSender {
    /// Sends `plan`'s files to `peer`, split over `associations` parallel associations
    /// (each one negotiates the contexts of its own files). A file the peer refuses, or
    /// has no context for, is listed as failed and the send goes on; an association that
    /// breaks is retried once for its remaining files. Progress counts files.
    /// With `decompressingRefused`, a compressed file whose syntax the peer refuses is
    /// decoded and sent uncompressed (JPEG, RLE, deflate; JPEG-LS and JPEG 2000 fail).
    public static func send(_ plan: StorePlan, to peer: DICOMPeer, associations: Int = 1, decompressingRefused: Bool = false,
                            progress: ProgressReporter = SilentProgress()) throws -> StoreSummary {
        try peer.validate()
        guard associations >= 1, associations <= 64 else { throw DICOMNetworkError.invalidArgument("associations must be between 1 and 64, got \(associations)") }
        let lanes = min(associations, max(1, plan.items.count))
        let chunks = (0..<lanes).map { lane in stride(from: lane, to: plan.items.count, by: lanes).map { plan.items[$0] } }
        let collector = Collector(total: plan.items.count, progress: progress)
        // One thread per association: they wait on the network, so GCD's pool (one thread
        // per core) would run only as many lanes as there are cores.
        let group = DispatchGroup()
        for lane in 0..<lanes {
            group.enter()
            let chunk = chunks[lane]
            Thread.detachNewThread {
                sendLane(chunk, to: peer, decompress: decompressingRefused, collector: collector)
                group.leave()
            }
        }
        group.wait()
        var summary = collector.summary
        summary.skipped = plan.skipped
        if let fatal = collector.fatal, summary.sent.isEmpty { throw fatal }
        return summary
    }

    /// One association's share; a broken association is reopened once.
    private static func sendLane(_ items: [StorePlan.Item], to peer: DICOMPeer, decompress: Bool, collector: Collector) {
        var pending = items[...]
        var retries = 1
        while !pending.isEmpty {
            let contexts = StorePlan.contexts(for: Array(pending), uncompressedFallback: decompress)
            let association: Association
            do {
                association = try Association(peer: peer, contexts: contexts)
            } catch let error as DICOMNetworkError {
                if retries > 0, case .aborted = error { retries -= 1; continue }
                collector.fail(Array(pending), error, fatal: true)
                return
            } catch {
                collector.fail(Array(pending), .protocolFailure(peer: peer.description, reason: "\(error)"), fatal: true)
                return
            }
            var broken: DICOMNetworkError?
            while let item = pending.first {
                do {
                    let status = try association.store(item.file, decompress: decompress)
                    collector.sent(item.file, status: status)
                    pending.removeFirst()
                } catch let error as DICOMNetworkError {
                    switch error {
                    case .aborted, .timedOut, .protocolFailure:
                        broken = error
                    default:
                        collector.fail([item], error, fatal: false)
                        pending.removeFirst()
                    }
                } catch {
                    collector.fail([item], .protocolFailure(peer: peer.description, reason: "\(error)"), fatal: false)
                    pending.removeFirst()
                }
                if broken != nil { break }
            }
            association.close(abort: broken != nil)
            if let broken {
                // The file the association broke on fails with that error after one retry.
                if retries == 0, let item = pending.first {
                    collector.fail([item], broken, fatal: false)
                    pending.removeFirst()
                }
                retries = max(0, retries - 1)
            }
        }
    }
}

extension StorePlan {
    /// One context per (SOP class, transfer syntax); with `uncompressedFallback`, a
    /// compressed syntax also gets a second, uncompressed context for its SOP class, so
    /// the peer can accept the compressed one (sent as is) or only the fallback.
    static func contexts(for items: [Item], uncompressedFallback: Bool = false) -> [PresentationContext] {
        var seen = Set<[String]>(), contexts: [PresentationContext] = []
        for item in items where seen.insert([item.sopClassUID, item.transferSyntaxUID]).inserted {
            let ts = item.transferSyntaxUID
            if TransferSyntax.isUncompressed(ts) {
                contexts.append(PresentationContext(item.sopClassUID, transferSyntaxes: [ts] + TransferSyntax.uncompressed.filter { $0 != ts }))
            } else {
                contexts.append(PresentationContext(item.sopClassUID, transferSyntaxes: [ts]))
                if uncompressedFallback, seen.insert([item.sopClassUID, "fallback"]).inserted {
                    contexts.append(PresentationContext(item.sopClassUID, transferSyntaxes: Array(TransferSyntax.uncompressed.prefix(2))))
                }
            }
        }
        return contexts
    }
}

/// Gathers results from the parallel lanes.
private final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private var result = StoreSummary()
    private var done = 0
    private(set) var fatal: DICOMNetworkError?
    let total: Int
    let progress: ProgressReporter

    init(total: Int, progress: ProgressReporter) { self.total = total; self.progress = progress }

    var summary: StoreSummary { lock.lock(); defer { lock.unlock() }; return result }

    func sent(_ file: URL, status: DIMSEStatus) {
        lock.lock()
        result.sent.append(file)
        if status.isWarning { result.warnings.append((file, status)) }
        done += 1
        let d = done
        lock.unlock()
        progress.update(completed: d, total: total, item: file.lastPathComponent)
    }

    func fail(_ items: [StorePlan.Item], _ error: DICOMNetworkError, fatal isFatal: Bool) {
        lock.lock()
        for item in items { result.failed.append((item.file, error)) }
        if isFatal, fatal == nil { fatal = error }
        done += items.count
        let d = done
        lock.unlock()
        progress.update(completed: d, total: total, item: items.last?.file.lastPathComponent ?? "")
    }
}
