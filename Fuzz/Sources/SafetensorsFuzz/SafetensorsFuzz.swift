// libFuzzer harness for the safetensors checkpoint reader: every input is read as a
// checkpoint and, when it reads, loaded into a small network (names and shapes checked).
// Thrown NeuralNetErrors are the expected outcome for garbage.
import Foundation
import FuzzSupport
import NeuralNet

@main
enum SafetensorsFuzzMain {
    static func main() {
        runFuzzDriver { data, count in data.map { fuzzSafetensors(UnsafeRawPointer($0), count) } ?? 0 }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let url = Scratch.write(Data(bytes: start, count: count), as: "fuzz.safetensors")
    guard let tensors = try? Safetensors.read(from: url) else { return 0 }
    var generator = SeededGenerator(seed: 1)
    if let network = try? Sequential([Dense(inFeatures: 4, outFeatures: 2, generator: &generator)]) {
        _ = try? network.loadStateDictionary(tensors)
    }
    return 0
}
