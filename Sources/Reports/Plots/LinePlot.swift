import Foundation

/// A line chart: named series of (x, y) points on linear axes, with a title and axis
/// labels. Rendered as SVG text (`svg`) or as an RGB raster for PNG (`raster`).
public struct LinePlot: Sendable {
    /// One line.
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// RGB colour.
        public var colour: (UInt8, UInt8, UInt8)

        public init(name: String, points: [(x: Double, y: Double)], colour: (UInt8, UInt8, UInt8)) {
            self.name = name
            self.points = points
            self.colour = colour
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Fixed axis ranges; nil fits the data.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    /// Draw the y = x diagonal (for ROC curves).
    public var showsDiagonal = false
    /// Where the legend sits inside the plotting area: a corner the curves leave free.
    public var legendCorner = LegendCorner.topRight

    /// A corner of the plotting area.
    public enum LegendCorner: Sendable { case topRight, bottomRight }

    /// A palette that stays distinct in print.
    public static let palette: [(UInt8, UInt8, UInt8)] = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (255, 127, 14), (148, 103, 189)]

    public init(title: String, xLabel: String, yLabel: String, series: [Series],
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xRange = xRange
        self.yRange = yRange
    }

    /// A ROC plot: one curve per (name, points), axes fixed to 0…1, with the diagonal.
    public static func roc(title: String, curves: [(name: String, points: [(x: Double, y: Double)])]) -> LinePlot {
        var plot = LinePlot(title: title, xLabel: "false positive rate", yLabel: "true positive rate",
                            series: curves.enumerated().map { Series(name: $1.name, points: $1.points, colour: palette[$0 % palette.count]) },
                            xRange: 0...1, yRange: 0...1)
        plot.showsDiagonal = true
        plot.legendCorner = .bottomRight  // ROC curves run above the diagonal
        return plot
    }

    /// The legend's box and each entry's baseline row, inside `frame`, sized to the longest
    /// name as `textWidth` measures it (so no name runs off the picture).
    func legendLayout(in frame: PlotFrame, textWidth: (String) -> Int, rowHeight: Int = 16)
        -> (left: Int, top: Int, right: Int, bottom: Int, rows: [Int]) {
        let swatch = 20, gap = 6, pad = 6
        let widest = series.map { textWidth($0.name) }.max() ?? 0
        let width = min(pad + swatch + gap + widest + pad, frame.right - frame.left - 4)
        let height = pad * 2 + rowHeight * series.count
        let right = frame.right - 4, left = right - width
        let top = legendCorner == .topRight ? frame.top + 4 : frame.bottom - 4 - height
        return (left, top, right, top + height, series.indices.map { top + pad + $0 * rowHeight })
    }

    /// The axis ranges actually used.
    var ranges: (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        let xs = series.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
        let ys = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        func fit(_ v: [Double]) -> ClosedRange<Double> {
            guard let lo = v.min(), let hi = v.max() else { return 0...1 }
            if lo == hi { return (lo - 1)...(hi + 1) }
            let pad = (hi - lo) * 0.05
            return (lo - pad)...(hi + pad)
        }
        return (xRange ?? fit(xs), yRange ?? fit(ys))
    }

    /// About five round tick values across a range.
    static func ticks(_ r: ClosedRange<Double>) -> [Double] {
        let span = r.upperBound - r.lowerBound
        guard span > 0, span.isFinite else { return [r.lowerBound] }
        let raw = span / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var out: [Double] = []
        var t = ceil(r.lowerBound / step) * step
        while t <= r.upperBound + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    static func label(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e6 { return String(Int(v)) }
        return String(format: "%g", (v * 1000).rounded() / 1000)
    }
}
