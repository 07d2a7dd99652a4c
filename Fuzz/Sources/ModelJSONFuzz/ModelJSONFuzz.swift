// libFuzzer harness for model.json (ModelDescription): every input is decoded and its
// bounds checked; a description that passes and is small enough to build quickly is
// built and its parameter count compared with the computed one. Thrown NoduleModelsErrors are the expected outcome for garbage; a trap or a
// huge allocation is a finding.
import Foundation
import FuzzSupport
import NoduleModels

@main
enum ModelJSONFuzzMain {
    static func main() {
        runFuzzDriver { data, count in data.map { fuzzModelJSON(UnsafeRawPointer($0), count) } ?? 0 }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelJSON(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    guard let description = try? ModelDescription.decode(data, path: "model.json"),
          let parameters = try? description.parameterCount() else { return 0 }
    // Building allocates and initialises every weight: keep each input fast.
    guard parameters <= 1 << 20 else { return 0 }
    // The count computed without building must be the built model's: a differential check.
    let built = (try? description.makeSegmenter())?.parameterCount ?? (try? description.makeClassifier())?.parameterCount
    if let built, built != parameters {
        fatalError("parameterCount() says \(parameters), the built \(description.name) has \(built)")
    }
    return 0
}
