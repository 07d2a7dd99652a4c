// libFuzzer entry point: every input is parsed as a DICOM dataset, its header walked,
// and its pixels decoded when the declared size is sane. Any crash, hang or sanitizer
// report is a bug; thrown DICOMErrors are the expected outcome for garbage.
import DICOM
import Foundation

/// libFuzzer's driver (linked by `-sanitize=fuzzer`). SwiftPM renames an executable's
/// entry point, so libFuzzer's own `main` never runs: start the driver from ours.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@main
enum DICOMFuzzMain {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in
            guard let data else { return 0 }
            return fuzzDICOM(UnsafeRawPointer(data), count)
        })
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
