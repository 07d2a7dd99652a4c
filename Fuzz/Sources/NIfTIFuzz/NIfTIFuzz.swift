// libFuzzer harness for the NIfTI-1 reader: an input starting with the gzip magic is
// read as .nii.gz (the inflate path), any other as .nii. Thrown ImageFormatErrors are
// the expected outcome for garbage.
import Foundation
import FuzzSupport
import ImageFormats
import ImagingCore

@main
enum NIfTIFuzzMain {
    static func main() {
        runFuzzDriver { data, count in data.map { fuzzNIfTI(UnsafeRawPointer($0), count) } ?? 0 }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNIfTI(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    let isGzip = data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    let url = Scratch.write(data, as: isGzip ? "fuzz.nii.gz" : "fuzz.nii")
    var options = ImageReadOptions()
    options.maximumBytes = 64 << 20  // within libFuzzer's memory limit
    _ = try? NIfTIReader.readHeader(url)
    _ = try? ImageFile.readGeometry(url, options: options)
    if let volume = try? ImageFile.read(url, options: options) {
        _ = volume.geometry
    }
    return 0
}
