// libFuzzer harness for the .npy reader (the dataset shard format): every input is read
// as uint8 and float32 arrays, copied and memory-mapped. Thrown ImageFormatErrors are
// the expected outcome for garbage.
import Foundation
import FuzzSupport
import ImageFormats

@main
enum NumPyFuzzMain {
    static func main() {
        runFuzzDriver { data, count in data.map { fuzzNumPy(UnsafeRawPointer($0), count) } ?? 0 }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumPy(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let url = Scratch.write(Data(bytes: start, count: count), as: "fuzz.npy")
    _ = try? NumPyArray<UInt8>(contentsOf: url)
    _ = try? NumPyArray<Float>(contentsOf: url)
    _ = try? NumPyArray<Int16>(contentsOf: url)
    if let mapped = try? MappedNumPyArray<Float>(contentsOf: url) {
        // A dataset reads rows; ask for a few at both ends and beyond.
        for range in [0..<4, max(0, mapped.count - 3)..<(mapped.count + 2)] {
            _ = mapped.withElements(range) { $0.reduce(0, +) }
        }
    }
    return 0
}
