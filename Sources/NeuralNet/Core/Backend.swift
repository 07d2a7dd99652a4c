import Foundation

/// Which implementation runs NeuralNet's convolutions (`Conv2D`, `ConvTranspose2D`, also when
/// `Sequential` fuses them with a ReLU or feeds a skip connection into a conv).
///
/// The choice is read by each forward pass; a layer's backward pass uses the backend its
/// training forward used. Both backends give the same results within 1e-4 relative, and each
/// is bit-identical run to run for a fixed thread count. See Docs/NeuralNet.md.
public enum NeuralNetBackend: String, Sendable, CaseIterable {
    /// NeuralNet's own unrolls with OpenBLAS sgemm.
    case openblas
    /// oneDNN's convolution primitives (Debian's libdnnl 2.6), threads as `ComputeThreads`.
    case onednn

    /// The backend used when `NODULEKIT_NN_BACKEND` is unset: the one measured faster on the
    /// U-Net bench (Docs/NeuralNet.md).
    public static let standard: NeuralNetBackend = .openblas

    private static let choice = ProcessChoice { fromEnvironment(ProcessInfo.processInfo.environment) }

    /// The backend in force. Initially `NODULEKIT_NN_BACKEND` (`onednn` or `openblas`; any
    /// other value is reported on standard error and ignored), else `standard`. Setting it
    /// affects forward passes from then on.
    public static var current: NeuralNetBackend {
        get { choice.value }
        set { choice.value = newValue }
    }

    /// Whether oneDNN made its CPU engine in this process; without it `.onednn` runs as `.openblas`.
    public static var isOneDNNAvailable: Bool { OneDNN.shared != nil }

    /// The backend a forward pass runs now: `current`, unless oneDNN is unavailable.
    static var effective: NeuralNetBackend {
        current == .onednn && isOneDNNAvailable ? .onednn : .openblas
    }

    /// The backend `NODULEKIT_NN_BACKEND` in `environment` names (case-insensitive), else `standard`.
    static func fromEnvironment(_ environment: [String: String]) -> NeuralNetBackend {
        guard let value = environment["NODULEKIT_NN_BACKEND"], !value.isEmpty else {
            return standard
        }
        if let backend = NeuralNetBackend(rawValue: value.lowercased()) { return backend }
        FileHandle.standardError.write(Data(
            "NODULEKIT_NN_BACKEND=\(value) is neither onednn nor openblas; using \(standard.rawValue)\n".utf8))
        return standard
    }
}
