// libFuzzer harness for the CSV readers: every input is read as LUNA16 annotations and
// candidates, as a labels.csv (PatientLabels) and as a masks run's nodules.csv. Thrown
// AnnotationErrors are the expected outcome for garbage.
import Annotations
import Foundation
import FuzzSupport
import NoduleModels

@main
enum AnnotationsCSVFuzzMain {
    static func main() {
        runFuzzDriver { data, count in data.map { fuzzAnnotationsCSV(UnsafeRawPointer($0), count) } ?? 0 }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAnnotationsCSV(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    let text = String(decoding: data, as: UTF8.self)
    _ = try? LUNA16CSV.readAnnotations(text: text, source: "fuzz.csv")
    let url = Scratch.write(data, as: "nodules.csv")
    _ = try? LUNA16CSV.readCandidates(url)
    _ = try? PatientLabels(contentsOf: url)
    _ = try? MaskRunReport(folder: Scratch.folder)
    return 0
}
