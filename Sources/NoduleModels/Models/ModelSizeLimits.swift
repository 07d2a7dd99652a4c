/// Bounds on what a model configuration (and so a `model.json` from anywhere) may ask for.
/// Every field is bounded and the parameter count is computed with checked arithmetic
/// before a single weight is allocated, so an absurd configuration is an error naming the
/// field, never an overflow trap or a terabyte allocation.
public enum ModelSizeLimits {
    /// The most trainable scalars a model may have: 2^28 (1 GiB of Float32 weights, eight
    /// times the paper's 31 M-parameter U-Net).
    public static let maximumParameterCount = 1 << 28
    /// The most input channels.
    public static let maximumInputChannels = 64
    /// The largest square input side of a classifier.
    public static let maximumImageSize = 4096
    /// The most channels of one convolution and units of one dense layer.
    public static let maximumWidth = 65536
    /// The most hidden dense layers or encoder convolutions.
    public static let maximumLayerCount = 16
}

/// Sums parameter counts of layers with overflow and limit checks.
struct ParameterBudget {
    let model: String
    private(set) var total = 0

    init(model: String) { self.model = model }

    /// Adds the product of `factors` (a weight tensor's extents) plus `bias`.
    mutating func add(_ factors: [Int], bias: Int = 0) throws {
        var product = 1
        for factor in factors {
            let (p, overflow) = product.multipliedReportingOverflow(by: factor)
            guard !overflow, factor >= 0 else { throw exceeded() }
            product = p
        }
        let (withBias, o1) = product.addingReportingOverflow(bias)
        let (sum, o2) = total.addingReportingOverflow(withBias)
        guard !o1, !o2, sum <= ModelSizeLimits.maximumParameterCount else { throw exceeded() }
        total = sum
    }

    /// A dense layer [out, in] with bias.
    mutating func dense(_ inFeatures: Int, _ outFeatures: Int) throws { try add([outFeatures, inFeatures], bias: outFeatures) }

    /// A k×k convolution with bias.
    mutating func conv(_ inChannels: Int, _ outChannels: Int, kernel: Int) throws {
        try add([outChannels, inChannels, kernel, kernel], bias: outChannels)
    }

    private func exceeded() -> NoduleModelsError {
        .invalidConfiguration(model: model, reason: "would need more than \(ModelSizeLimits.maximumParameterCount) parameters")
    }
}

/// Throws naming `field` unless `value` is in `range`.
func requireField(_ value: Int, in range: ClosedRange<Int>, _ field: String, model: String) throws {
    guard range.contains(value) else {
        throw NoduleModelsError.invalidConfiguration(model: model, reason: "\(field) is \(value), expected \(range.lowerBound)…\(range.upperBound)")
    }
}

/// Throws naming `field` unless it holds 1…maximumLayerCount values, each in 1…maximumWidth.
func requireWidths(_ values: [Int], _ field: String, allowEmpty: Bool = false, model: String) throws {
    try requireField(values.count, in: (allowEmpty ? 0 : 1)...ModelSizeLimits.maximumLayerCount, "the number of \(field)", model: model)
    for value in values { try requireField(value, in: 1...ModelSizeLimits.maximumWidth, field, model: model) }
}

extension ModelDescription {
    /// The number of trainable scalars the described model has, computed without building
    /// it; throws naming the field when a value is out of bounds or the model is too large
    /// (`ModelSizeLimits`).
    public func parameterCount() throws -> Int {
        switch self {
        case let .unet(c): return try c.parameterCount()
        case let .encoder(c): return try c.parameterCount()
        case let .fullyConnected(c): return try c.parameterCount()
        case let .encoderDecoder(c): return try c.parameterCount()
        }
    }
}

extension UNetSegmenter.Configuration {
    /// Trainable scalars of this U-Net; throws for a configuration outside its bounds.
    public func parameterCount() throws -> Int {
        var budget = ParameterBudget(model: "UNetSegmenter")
        try budget.unet(inputChannels: inputChannels, widthMultiplier: widthMultiplier, levels: levels)
        return budget.total
    }
}

extension EncoderClassifier.Configuration {
    /// Trainable scalars of this classifier; throws for a configuration outside its bounds.
    public func parameterCount() throws -> Int {
        let model = "EncoderClassifier"
        try requireField(inputChannels, in: 1...ModelSizeLimits.maximumInputChannels, "inputChannels", model: model)
        try requireField(imageSize, in: 1...ModelSizeLimits.maximumImageSize, "imageSize", model: model)
        try requireWidths(channels, "channels", model: model)
        try requireField(hiddenUnits, in: 1...ModelSizeLimits.maximumWidth, "hiddenUnits", model: model)
        var budget = ParameterBudget(model: model)
        var inChannels = inputChannels
        for ch in channels {
            try budget.conv(inChannels, ch, kernel: 3)
            inChannels = ch
        }
        // Bounded above: at most 65536 channels × 4096² pixels, far inside Int.
        let side = imageSize >> min(channels.count, 12)
        try budget.denseHead(inFeatures: inChannels * side * side, hiddenUnits: [hiddenUnits])
        return budget.total
    }
}

extension FullyConnectedClassifier.Configuration {
    /// Trainable scalars of this classifier; throws for a configuration outside its bounds.
    public func parameterCount() throws -> Int {
        let model = "FullyConnectedClassifier"
        try requireField(inputChannels, in: 1...ModelSizeLimits.maximumInputChannels, "inputChannels", model: model)
        try requireField(imageSize, in: 1...ModelSizeLimits.maximumImageSize, "imageSize", model: model)
        try requireWidths(hiddenUnits, "hiddenUnits", allowEmpty: true, model: model)
        var budget = ParameterBudget(model: model)
        try budget.denseHead(inFeatures: inputChannels * imageSize * imageSize, hiddenUnits: hiddenUnits)
        return budget.total
    }
}

extension EncoderDecoderClassifier.Configuration {
    /// Trainable scalars of this classifier; throws for a configuration outside its bounds.
    public func parameterCount() throws -> Int {
        let model = "EncoderDecoderClassifier"
        try requireField(imageSize, in: 1...ModelSizeLimits.maximumImageSize, "imageSize", model: model)
        try requireWidths(hiddenUnits, "hiddenUnits", allowEmpty: true, model: model)
        var budget = ParameterBudget(model: model)
        try budget.unet(inputChannels: inputChannels, widthMultiplier: widthMultiplier, levels: levels)
        try budget.denseHead(inFeatures: imageSize * imageSize, hiddenUnits: hiddenUnits)
        return budget.total
    }
}

extension ParameterBudget {
    /// The U-Net body of `UNetBuilder` and the 1×1 conv to one map after it, with the
    /// fields that shape it checked first.
    mutating func unet(inputChannels: Int, widthMultiplier: Double, levels: Int) throws {
        try requireField(inputChannels, in: 1...ModelSizeLimits.maximumInputChannels, "inputChannels", model: model)
        try requireField(levels, in: 2...8, "levels", model: model)
        guard widthMultiplier.isFinite, widthMultiplier > 0, widthMultiplier <= 16 else {
            throw NoduleModelsError.invalidConfiguration(model: model, reason: "widthMultiplier is \(widthMultiplier), expected (0, 16]")
        }
        let base = UNetBuilder.baseChannels(widthMultiplier: widthMultiplier)
        try unetBody(inputChannels: inputChannels, base: base, levels: levels)
        try conv(base, 1, kernel: 1)
    }

    /// `UNetBuilder.body`: per level d (ch = base·2^d) a 3×3 conv in → ch, and above the
    /// last level a 2×2 up-conv 2ch → ch and a 3×3 conv 2ch → ch.
    mutating func unetBody(inputChannels: Int, base: Int, levels: Int) throws {
        var inChannels = inputChannels
        for depth in 0..<levels {
            let ch = base << depth
            try conv(inChannels, ch, kernel: 3)
            if depth + 1 < levels {
                try add([2 * ch, ch, 2, 2], bias: ch)
                try conv(2 * ch, ch, kernel: 3)
            }
            inChannels = ch
        }
    }

    /// `denseHead`: dense + ReLU per hidden width, then dense to 2 logits.
    mutating func denseHead(inFeatures: Int, hiddenUnits: [Int]) throws {
        var features = inFeatures
        for units in hiddenUnits {
            try dense(features, units)
            features = units
        }
        try dense(features, 2)
    }
}
