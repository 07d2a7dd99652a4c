/// The scalar types a voxel can hold. Each knows its runtime tag and converts to and
/// from `Double` (clamping and rounding when the target is an integer type).
public protocol VoxelScalar: Sendable, Equatable, Comparable {
    /// The runtime tag of this type.
    static var voxelType: VoxelType { get }
    /// The value as a Double.
    var doubleValue: Double { get }
    /// The nearest representable value to `value` (integers round half away from zero
    /// and clamp to their range; NaN becomes zero).
    init(clampingDouble value: Double)
    /// Zero.
    static var zero: Self { get }
}

/// Runtime tag of a voxel scalar type.
public enum VoxelType: String, Sendable, CaseIterable, CustomStringConvertible {
    case uint8, int8, uint16, int16, uint32, int32, float32, float64

    /// Bytes per scalar.
    public var byteCount: Int {
        switch self {
        case .uint8, .int8: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .float64: return 8
        }
    }

    /// Whether the type is a floating-point type.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    public var description: String { rawValue }
}

/// `value` rounded and clamped into `T` (NaN gives 0). Inlinable, so callers in other modules
/// get it specialised: unspecialised, its generic integer conversion took a third of
/// `screen`'s time drawing overlays.
@inlinable
func clampedInteger<T: FixedWidthInteger>(_ value: Double, as: T.Type) -> T {
    guard !value.isNaN else { return 0 }
    let r = value.rounded()
    if r <= Double(T.min) { return T.min }
    if r >= Double(T.max) { return T.max }
    return T(r)
}

extension UInt8: VoxelScalar {
    public static var voxelType: VoxelType { .uint8 }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public init(clampingDouble value: Double) { self = clampedInteger(value, as: UInt8.self) }
}
extension Int8: VoxelScalar {
    public static var voxelType: VoxelType { .int8 }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public init(clampingDouble value: Double) { self = clampedInteger(value, as: Int8.self) }
}
extension UInt16: VoxelScalar {
    public static var voxelType: VoxelType { .uint16 }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public init(clampingDouble value: Double) { self = clampedInteger(value, as: UInt16.self) }
}
extension Int16: VoxelScalar {
    public static var voxelType: VoxelType { .int16 }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public init(clampingDouble value: Double) { self = clampedInteger(value, as: Int16.self) }
}
extension UInt32: VoxelScalar {
    public static var voxelType: VoxelType { .uint32 }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public init(clampingDouble value: Double) { self = clampedInteger(value, as: UInt32.self) }
}
extension Int32: VoxelScalar {
    public static var voxelType: VoxelType { .int32 }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public init(clampingDouble value: Double) { self = clampedInteger(value, as: Int32.self) }
}
extension Float: VoxelScalar {
    public static var voxelType: VoxelType { .float32 }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public init(clampingDouble value: Double) { self = Float(value) }
}
extension Double: VoxelScalar {
    public static var voxelType: VoxelType { .float64 }
    @inlinable public var doubleValue: Double { self }
    @inlinable public init(clampingDouble value: Double) { self = value }
}
