/// A volume whose voxel type is known only at run time, as a file reader returns it.
public enum AnyVolume: Sendable {
    case uint8(Volume<UInt8>)
    case int8(Volume<Int8>)
    case uint16(Volume<UInt16>)
    case int16(Volume<Int16>)
    case uint32(Volume<UInt32>)
    case int32(Volume<Int32>)
    case float32(Volume<Float>)
    case float64(Volume<Double>)

    /// Wraps a typed volume.
    public init<V: VoxelScalar>(_ volume: Volume<V>) {
        switch volume {
        case let v as Volume<UInt8>: self = .uint8(v)
        case let v as Volume<Int8>: self = .int8(v)
        case let v as Volume<UInt16>: self = .uint16(v)
        case let v as Volume<Int16>: self = .int16(v)
        case let v as Volume<UInt32>: self = .uint32(v)
        case let v as Volume<Int32>: self = .int32(v)
        case let v as Volume<Float>: self = .float32(v)
        default: self = .float64(volume.converted(to: Double.self))
        }
    }

    /// The geometry.
    public var geometry: ImageGeometry {
        switch self {
        case .uint8(let v): return v.geometry
        case .int8(let v): return v.geometry
        case .uint16(let v): return v.geometry
        case .int16(let v): return v.geometry
        case .uint32(let v): return v.geometry
        case .int32(let v): return v.geometry
        case .float32(let v): return v.geometry
        case .float64(let v): return v.geometry
        }
    }

    /// The voxel type tag.
    public var voxelType: VoxelType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .float32: return .float32
        case .float64: return .float64
        }
    }

    /// Values per voxel.
    public var channelCount: Int {
        switch self {
        case .uint8(let v): return v.channelCount
        case .int8(let v): return v.channelCount
        case .uint16(let v): return v.channelCount
        case .int16(let v): return v.channelCount
        case .uint32(let v): return v.channelCount
        case .int32(let v): return v.channelCount
        case .float32(let v): return v.channelCount
        case .float64(let v): return v.channelCount
        }
    }

    /// Minimum, maximum and mean over every value.
    public var statistics: VoxelStatistics {
        switch self {
        case .uint8(let v): return v.statistics
        case .int8(let v): return v.statistics
        case .uint16(let v): return v.statistics
        case .int16(let v): return v.statistics
        case .uint32(let v): return v.statistics
        case .int32(let v): return v.statistics
        case .float32(let v): return v.statistics
        case .float64(let v): return v.statistics
        }
    }

    /// The volume converted to `type` (values rounded and clamped for integer types);
    /// no copy when it already has that type.
    public func converted<V: VoxelScalar>(to type: V.Type) -> Volume<V> {
        switch self {
        case .uint8(let v): return (v as? Volume<V>) ?? v.converted(to: type)
        case .int8(let v): return (v as? Volume<V>) ?? v.converted(to: type)
        case .uint16(let v): return (v as? Volume<V>) ?? v.converted(to: type)
        case .int16(let v): return (v as? Volume<V>) ?? v.converted(to: type)
        case .uint32(let v): return (v as? Volume<V>) ?? v.converted(to: type)
        case .int32(let v): return (v as? Volume<V>) ?? v.converted(to: type)
        case .float32(let v): return (v as? Volume<V>) ?? v.converted(to: type)
        case .float64(let v): return (v as? Volume<V>) ?? v.converted(to: type)
        }
    }

    /// Every value as Double, in storage order (for tests and generic tools).
    public var doubleValues: [Double] { converted(to: Double.self).voxels }
}
