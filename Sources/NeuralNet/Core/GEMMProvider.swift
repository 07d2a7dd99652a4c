import CDNNL
import Foundation

/// Which library multiplies the matrices of NeuralNet's own kernels: the `openblas`
/// backend's unrolled convolutions, dense layers and every other `sgemm`.
///
/// On a CPU with AVX-512, OpenBLAS 0.3.21 (Debian 12) runs only the kernels its core type
/// allows, and environments commonly pin `OPENBLAS_CORETYPE=Haswell` (256-bit AVX2): there
/// oneDNN's JIT sgemm, which picks its own kernels, runs the same products 1.7–2.1 times
/// as fast (Docs/NeuralNet.md). Elsewhere OpenBLAS stays. Both run single-threaded under
/// NeuralNet's own split, so results are bit-identical run to run for a fixed thread count
/// and provider; the two providers agree within float rounding.
public enum GEMMProvider: String, Sendable, CaseIterable {
    /// OpenBLAS's `cblas_sgemm`.
    case openblas
    /// oneDNN's `dnnl_sgemm`.
    case onednn

    /// oneDNN where it loaded and the CPU runs AVX-512 (oneDNN's own view), else OpenBLAS.
    public static var standard: GEMMProvider {
        guard OneDNN.shared != nil else { return .openblas }
        let avx512Core = dnnl_cpu_isa_avx512_core.rawValue
        return dnnl_get_effective_cpu_isa().rawValue & avx512Core == avx512Core ? .onednn : .openblas
    }

    private static let choice = ProcessChoice { fromEnvironment(ProcessInfo.processInfo.environment) }

    /// The provider in force. Initially `NODULEKIT_GEMM` (`openblas` or `onednn`; any other
    /// value is reported on standard error and ignored), else `standard`.
    public static var current: GEMMProvider {
        get { choice.value }
        set { choice.value = newValue }
    }

    /// The provider `NODULEKIT_GEMM` in `environment` names (case-insensitive), else `standard`.
    static func fromEnvironment(_ environment: [String: String]) -> GEMMProvider {
        guard let value = environment["NODULEKIT_GEMM"], !value.isEmpty else { return standard }
        if let provider = GEMMProvider(rawValue: value.lowercased()), provider == .openblas || OneDNN.shared != nil {
            return provider
        }
        FileHandle.standardError.write(Data(
            "NODULEKIT_GEMM=\(value) is neither openblas nor an available onednn; using \(standard.rawValue)\n".utf8))
        return standard
    }
}
