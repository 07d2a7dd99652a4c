import CMPI
import Foundation
import NoduleModels

/// NoduleModels' `Collectives` over MPI_COMM_WORLD (Open MPI): one rank per process, started
/// by `mpirun -np N` or Slurm's `srun`. Collectives are called from one thread only
/// (MPI_THREAD_FUNNELED); NeuralNet's compute threads never touch MPI.
///
/// MPI's default error handler (MPI_ERRORS_ARE_FATAL) stays in force: a peer that dies makes
/// the launcher end the job, so no rank waits forever in a collective.
public final class MPICollectives: Collectives {
    public let rank: Int
    public let size: Int
    private var finalized = false

    /// Initializes MPI (once per process); throws when it cannot.
    public init() throws {
        var provided: Int32 = 0
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            let status = MPI_Init_thread(nil, nil, Int32(cmpi_thread_funneled()), &provided)
            guard status == cmpi_success() else { throw MPIError(call: "MPI_Init_thread", code: status) }
        }
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(cmpi_comm_world(), &r)
        MPI_Comm_size(cmpi_comm_world(), &s)
        rank = Int(r)
        size = Int(s)
    }

    public func broadcast(_ buffer: inout [Float], root: Int) throws {
        let count = Int32(buffer.count)
        let status = buffer.withUnsafeMutableBufferPointer { b in
            MPI_Bcast(b.baseAddress, count, cmpi_float(), Int32(root), cmpi_comm_world())
        }
        guard status == cmpi_success() else { throw MPIError(call: "MPI_Bcast", code: status) }
    }

    public func allreduceSum(_ buffer: inout [Float]) throws {
        let count = Int32(buffer.count)
        let status = buffer.withUnsafeMutableBufferPointer { b in
            MPI_Allreduce(cmpi_in_place(), b.baseAddress, count, cmpi_float(), cmpi_sum(), cmpi_comm_world())
        }
        guard status == cmpi_success() else { throw MPIError(call: "MPI_Allreduce", code: status) }
    }

    public func allreduceSum(_ buffer: inout [Double]) throws {
        let count = Int32(buffer.count)
        let status = buffer.withUnsafeMutableBufferPointer { b in
            MPI_Allreduce(cmpi_in_place(), b.baseAddress, count, cmpi_double(), cmpi_sum(), cmpi_comm_world())
        }
        guard status == cmpi_success() else { throw MPIError(call: "MPI_Allreduce", code: status) }
    }

    public func barrier() throws {
        let status = MPI_Barrier(cmpi_comm_world())
        guard status == cmpi_success() else { throw MPIError(call: "MPI_Barrier", code: status) }
    }

    /// Prints `rank R of N: message` and ends every rank of the job (MPI_Abort).
    public func abort(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("rank \(rank) of \(size): \(message)\n".utf8))
        MPI_Abort(cmpi_comm_world(), code)
        exit(code)  // MPI_Abort does not return; this keeps the compiler's Never.
    }

    /// Ends MPI for this process (after the last collective); later calls do nothing.
    public func finalize() {
        guard !finalized else { return }
        finalized = true
        MPI_Finalize()
    }
}

/// An MPI call that returned an error code.
public struct MPIError: Error, CustomStringConvertible {
    /// The MPI function.
    public let call: String
    /// Its return code.
    public let code: Int32
    public var description: String { "\(call) failed with MPI error \(code)" }
}
