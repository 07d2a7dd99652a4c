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
        mpi.finalize()
    }

    /// One line on rank 0 saying how the work is spread.
    static func describe(_ group: Collectives?, batchSize: Int) {
        guard let group else { return }
        print("data-parallel over \(group.size) rank\(group.size == 1 ? "" : "s"): batch \(batchSize) per rank, \(batchSize * group.size) a step")
    }
}
