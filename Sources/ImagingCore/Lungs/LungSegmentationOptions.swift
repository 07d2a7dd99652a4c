import Foundation

/// Settings of `LungSegmenter`. The defaults suit adult chest CT in Hounsfield units.
public struct LungSegmentationOptions: Sendable, Equatable {
    /// Voxels below this are air (HU). nil chooses: −320 HU when the scan holds air near
    /// −1000 HU (a calibrated CT), otherwise Otsu's threshold of the scan's histogram.
    public var airThresholdHU: Double?
    /// Radius (mm) of the ball that closes each lung, so juxtapleural nodules and vessels
    /// at the pleura stay inside the mask.
    public var closingRadiusMM = 15.0
    /// The airway is grown from the trachea through voxels darker than this (HU); when it
    /// leaks into the lungs the threshold drops by `airwayThresholdStepHU` and it regrows.
    public var airwayThresholdHU = -900.0
    public var airwayThresholdStepHU = 25.0
    /// Lowest airway threshold tried before the airway is left in place (HU).
    public var lowestAirwayThresholdHU = -1010.0
    /// Removed airway voxels are grown by this (mm) to take the lumen's partial-volume rim.
    public var airwayMarginMM = 1.5
    /// Air regions smaller than this (mL) are never lungs.
    public var minimumLungML = 10.0
    /// A second region is the other lung only when it holds at least this fraction of the
    /// largest one's volume (smaller ones are bowel or stomach gas).
    public var secondLungFraction = 0.1
    /// Compute threads for the distance transforms.
    public var threads = DistanceTransform.defaultThreads

    /// The defaults.
    public init() {}
}

extension LungSegmentationOptions {
    /// The settings that change the mask (not the thread count), for resume keys.
    public var resultKey: String {
        "air=\(airThresholdHU.map { String($0) } ?? "auto") closing=\(closingRadiusMM) airway=\(airwayThresholdHU),"
            + "\(airwayThresholdStepHU),\(lowestAirwayThresholdHU),\(airwayMarginMM) min=\(minimumLungML) second=\(secondLungFraction)"
    }
}
