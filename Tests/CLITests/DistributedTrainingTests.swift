import Foundation
import NeuralNet
import TestSupport
import XCTest

/// `nodulekit train segmenter --distributed` under real Open MPI (`mpirun --oversubscribe
/// -np N` on this machine): 2 ranks at per-rank batch 8 give the weights 1 rank gives at
/// batch 16, with dropout on and 31 training slices (batches 16 + 15, the last split 8 + 7).
final class DistributedTrainingTests: XCTestCase {
    /// mpirun, or a skip (a failure under CI: install-system-deps.sh installs openmpi-bin).
    private func mpirun() throws -> String {
        for path in ["/usr/bin/mpirun", "/usr/local/bin/mpirun"] where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        let message = "mpirun not found (scripts/install-system-deps.sh installs openmpi-bin)"
        if TestEnvironment.isCI { XCTFail(message) }
        throw XCTSkip(message)
    }

    /// Starts mpirun with `arguments` (after its own options); the allow-run-as-root switches
    /// are set here only, for CI running as root.
    private func start(_ arguments: [String]) throws -> (process: Process, stdout: FileHandle, stderr: ReadAsync) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try mpirun())
        p.arguments = ["--oversubscribe", "--bind-to", "none", "--mca", "btl_vader_single_copy_mechanism", "none"] + arguments
        var env = ProcessInfo.processInfo.environment
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return (p, out.fileHandleForReading, ReadAsync(err.fileHandleForReading))
    }

    /// Runs mpirun to its end (ended after `timeout`); returns status, stdout, stderr.
    private func launch(_ arguments: [String], timeout: TimeInterval = 120) throws -> CLITests.Run {
        let (p, out, err) = try start(arguments)
        let watchdog = DispatchWorkItem { [p] in if p.isRunning { p.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let o = out.readDataToEndOfFile()
        p.waitUntilExit()
        watchdog.cancel()
        return CLITests.Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                            stderr: String(decoding: err.wait(), as: UTF8.self))
    }

    /// A phantom segmentation dataset of 31 training slices of 32² (nodulekit phantom + dataset).
    private func dataset(_ folder: URL, seed: Int = 3) throws -> URL {
        let scans = folder.appendingPathComponent("scans"), set = folder.appendingPathComponent("set")
        for args in [["phantom", "--output", scans.path, "--count", "4", "--size", "64,64,24", "--spacing", "1.5,1.5,5",
                      "--nodules", "2", "--labelled", "--seed", String(seed), "--quiet"],
                     ["dataset", "segmentation", "--annotations", scans.appendingPathComponent("annotations.csv").path,
                      "--images", scans.path, "--output", set.path, "--size", "32", "--background-slices", "2", "--seed", "3", "--quiet"]] {
            let run = try CLITests.runNodulekit(args)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        return set
    }

    private func trainArguments(_ set: URL, _ out: URL, batch: Int) -> [String] {
        [CLITests.binary.path, "train", "segmenter", "--dataset", set.path, "--output", out.path, "--width", "0.0625",
         "--levels", "3", "--epochs", "2", "--batch-size", String(batch), "--learning-rate", "1e-3", "--seed", "5",
         "--threads", "1", "--distributed", "--quiet"]
    }

    func testTwoRanksAtBatch8MatchOneRankAtBatch16() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let set = try dataset(folder)
        let one = folder.appendingPathComponent("one"), two = folder.appendingPathComponent("two")
        let r1 = try launch(["-np", "1"] + trainArguments(set, one, batch: 16))
        XCTAssertEqual(r1.status, 0, r1.stderr)
        let r2 = try launch(["-np", "2"] + trainArguments(set, two, batch: 8))
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertTrue(r2.stdout.contains("data-parallel over 2 ranks: batch 8 per rank, 16 a step"), r2.stdout)
        XCTAssertEqual(r2.stdout.components(separatedBy: "epoch 2:").count, 2, "only rank 0 reports: \(r2.stdout)")
        let a = try Safetensors.read(from: one.appendingPathComponent("last.safetensors"))
        let b = try Safetensors.read(from: two.appendingPathComponent("last.safetensors"))
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        var worst = 0.0
        for (key, x) in a {
            guard let y = b[key], y.shape == x.shape else { return XCTFail("\(key) missing or reshaped") }
            let diff = zip(x.scalars, y.scalars).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
            let norm = x.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
            if norm > 0 { worst = max(worst, (diff / norm).squareRoot()) }
        }
        print("mpirun: 1 rank × 16 vs 2 ranks × 8, 2 epochs (4 steps): max relative weight difference \(worst)")
        XCTAssertLessThan(worst, 1e-5)
        // The histories agree too: training loss reduced over the ranks, validation sharded
        // (18 slices in batches of 8: rank 0 takes 8 + 2, rank 1 takes 8) and reduced.
        let rows = { (url: URL) throws -> [[Double]] in
            try String(contentsOf: url.appendingPathComponent("history.csv"), encoding: .utf8)
                .split(separator: "\n").dropFirst().map { $0.split(separator: ",").compactMap { Double($0) } }
        }
        let h1 = try rows(one), h2 = try rows(two)
        XCTAssertEqual(h1.count, 2)
        XCTAssertEqual(h2.count, 2)
        for (a, b) in zip(h1, h2) {
            XCTAssertEqual(a.count, 4)
            XCTAssertEqual(b.count, 4)
            for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-4 * max(1, abs(x))) }
        }
    }

    func testARankWithOtherDataEndsTheJobNamingIt() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let good = try dataset(folder.appendingPathComponent("a"))
        let stale = try dataset(folder.appendingPathComponent("b"), seed: 4)
        let out = folder.appendingPathComponent("run")
        // MPMD launch: rank 0 and rank 1 get different --dataset folders.
        let started = Date()
        let r = try launch(["-np", "1"] + trainArguments(good, out, batch: 8) + [":", "-np", "1"] + trainArguments(stale, out, batch: 8))
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("the dataset on rank 1 differs from rank 0's"), r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("last.safetensors").path))
    }

    /// The PID of the child of `parent` that Open MPI started as `rank` (its environment
    /// holds OMPI_COMM_WORLD_RANK).
    private func rankProcess(_ rank: Int, parent: Int32) -> Int32? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, Int32(fields[1]) == parent,
                  let environ = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { continue }
            if environ.split(separator: 0).contains(where: { String(decoding: $0, as: UTF8.self) == "OMPI_COMM_WORLD_RANK=\(rank)" }) {
                return pid
            }
        }
        return nil
    }

    func testAKilledRankEndsTheJobNamingItAndTheLastCheckpointResumes() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let set = try dataset(folder)
        let out = folder.appendingPathComponent("run")
        var args = trainArguments(set, out, batch: 8)
        args[args.firstIndex(of: "--epochs").map { $0 + 1 } ?? 0] = "500"
        args += ["--patience", "1000"]
        let (p, stdout, stderr) = try start(["-np", "2"] + args)
        // Wait until rank 0 has finished two epochs (checkpoints written), then kill rank 1.
        var seen = ""
        while !seen.contains("epoch 2:") {
            let chunk = stdout.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        let victim = try XCTUnwrap(rankProcess(1, parent: p.processIdentifier), "no rank 1 under mpirun")
        let killed = Date()
        kill(victim, SIGKILL)
        let watchdog = DispatchWorkItem { [p] in if p.isRunning { p.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)
        _ = stdout.readDataToEndOfFile()
        p.waitUntilExit()
        watchdog.cancel()
        let elapsed = Date().timeIntervalSince(killed)
        let message = String(decoding: stderr.wait(), as: UTF8.self)
        print("mpirun: rank 1 killed after epoch 2; the job ended \(String(format: "%.2f", elapsed)) s later with status \(p.terminationStatus)")
        XCTAssertNotEqual(p.terminationStatus, 0)
        XCTAssertLessThan(elapsed, 30)
        XCTAssertTrue(message.contains("rank 1"), message)
        print(message.split(separator: "\n").filter { $0.contains("rank 1") }.joined(separator: "\n"))
        // The last checkpoint is whole, and --resume goes on from it.
        let history = try String(contentsOf: out.appendingPathComponent("history.csv"), encoding: .utf8)
        let done = history.split(separator: "\n").count - 1
        XCTAssertGreaterThanOrEqual(done, 2)
        XCTAssertEqual(try Safetensors.read(from: out.appendingPathComponent("last.safetensors")).count, 16)
        args[args.firstIndex(of: "--epochs").map { $0 + 1 } ?? 0] = String(done + 1)
        let resumed = try launch(["-np", "2"] + args + ["--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("resumed after epoch \(done)"), resumed.stdout)
        XCTAssertTrue(resumed.stdout.contains("epoch \(done + 1):"), resumed.stdout)
    }
}
