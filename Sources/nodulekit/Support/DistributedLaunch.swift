import Foundation
import MPICollectives
import NoduleKit

/// `--distributed`: runs a command's work inside an MPI group. A rank whose work throws
/// prints the error with its rank and calls MPI_Abort, so the job ends instead of the other
/// ranks waiting for it in a collective.
enum DistributedLaunch {
    /// Runs `body` with the MPI group (or nil without `distributed`), then finalizes MPI.
    static func run(_ distributed: Bool, _ body: (Collectives?) throws -> Void) throws {
        guard distributed else { return try body(nil) }
        let mpi = try MPICollectives()
        do {
            try body(mpi)
        } catch {
            mpi.abort("\(error)", code: 1)
        }
        if mpi.rank == 0 { print("peak resident memory: \(peakResidentMegabytes()) MB (rank 0)") }
        mpi.finalize()
    }

    /// This process's peak resident set (getrusage's ru_maxrss: kB on Linux, bytes on macOS).
    static func peakResidentMegabytes() -> Int {
        var usage = rusage()
        #if canImport(Glibc)
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return usage.ru_maxrss / 1024
        #else
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        return usage.ru_maxrss / (1024 * 1024)
        #endif
    }

    /// One line on rank 0 saying how the work is spread.
    static func describe(_ group: Collectives?, batchSize: Int) {
        guard let group else { return }
        print("data-parallel over \(group.size) rank\(group.size == 1 ? "" : "s"): batch \(batchSize) per rank, \(batchSize * group.size) a step")
    }
}
