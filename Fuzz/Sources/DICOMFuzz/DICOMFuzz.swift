// libFuzzer entry point: every input is parsed as a DICOM dataset, its header walked,
// and its pixels decoded when the declared size is sane. Any crash, hang or sanitizer
// report is a bug; thrown DICOMErrors are the expected outcome for garbage.
import DICOM
import Foundation
import FuzzSupport

@main
enum DICOMFuzzMain {
    static func main() {
        runFuzzDriver { data, count in data.map { fuzzDICOM(UnsafeRawPointer($0), count) } ?? 0 }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDICOM(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    guard let file = try? DICOMFile(data: data, name: "fuzz") else { return 0 }
    // Touch the header the way series discovery does.
    _ = try? SliceHeader(url: URL(fileURLWithPath: "/fuzz"), dataset: file.dataset)
    for element in file.dataset.elements {
        _ = element.strings
        _ = element.numbers
        _ = element.items.count
    }
    _ = try? file.dataset.dateTime(.acquisitionDateTime)
    _ = try? file.dump()
    // Decode only what a real image could need: at most 16 M samples.
    if let layout = try? file.pixelDescription(), layout.samplesPerFrame > 0,
       layout.samplesPerFrame * layout.frames * layout.bytesPerSample <= 64 << 20 {
        _ = try? file.decodePixels()
    }
    return 0
}
