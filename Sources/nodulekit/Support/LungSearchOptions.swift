import ArgumentParser
import NoduleKit

/// Where the commands that run the segmenter look for nodules: inside the lungs by default.
struct LungSearchOptions: ParsableArguments {
    @Flag(help: "Search the whole scan, not only the lungs.") var noLungMask = false
    @Option(help: "Millimetres the lung mask is grown by before searching.") var lungMarginMm = 3.0

    func validate() throws {
        guard lungMarginMm >= 0, lungMarginMm <= 50 else { throw ValidationError("--lung-margin-mm must be 0 to 50") }
    }

    /// The region these options ask for, the lung segmentation using `threads`.
    func searchRegion(threads: Int) -> SearchRegion {
        var options = LungSegmentationOptions()
        options.threads = threads
        return noLungMask ? .everywhere : .lungs(marginMM: lungMarginMm, options: options)
    }
}
