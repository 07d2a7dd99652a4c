// libFuzzer harness for the MetaImage reader: every input is a whole .mha (header text,
// then LOCAL voxels) and is also the data file a header may name (fuzz.raw, fuzz.zraw),
// so .mhd headers with a separate data file, compressed streams and LIST headers are all
// reached. Thrown ImageFormatErrors are the expected outcome for garbage.
import Foundation
import FuzzSupport
import ImageFormats
import ImagingCore

@main
enum MetaImageFuzzMain {
    static func main() {
        runFuzzDriver { data, count in data.map { fuzzMetaImage(UnsafeRawPointer($0), count) } ?? 0 }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMetaImage(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    _ = try? MetaImageHeader.parse(data, path: "fuzz.mha")
    let header = Scratch.write(data, as: "fuzz.mha")
    Scratch.write(data, as: "fuzz.raw")
    Scratch.write(data, as: "fuzz.zraw")
    var options = ImageReadOptions()
    options.maximumBytes = 64 << 20  // within libFuzzer's memory limit
    _ = try? ImageFile.readGeometry(header, options: options)
    if let volume = try? ImageFile.read(header, options: options) {
        _ = volume.geometry
    }
    return 0
}
