import ImagingCore

extension AnyVolume {
    /// The volume resampled onto `reference` through `transform`, keeping its voxel type;
    /// `interpolation` nil picks it from the type (UInt8 labels nearest, else linear).
    /// `defaultValue` is converted to the voxel type (rounded and clamped for integers).
    public func resampled(onto reference: ImageGeometry, through transform: RigidTransform = .identity,
                          interpolation: Interpolation? = nil, defaultValue: Double = 0, threads: Int? = nil) -> AnyVolume {
        func run<V: ResamplingVoxel>(_ v: Volume<V>) -> AnyVolume {
            AnyVolume(TransformResampler.resample(v, onto: reference, through: transform, interpolation: interpolation ?? V.resamplingInterpolation,
                                                  defaultValue: V(clampingDouble: defaultValue), threads: threads))
        }
        switch self {
        case .uint8(let v): return run(v)
        case .int8(let v): return run(v)
        case .uint16(let v): return run(v)
        case .int16(let v): return run(v)
        case .uint32(let v): return run(v)
        case .int32(let v): return run(v)
        case .float32(let v): return run(v)
        case .float64(let v): return run(v)
        }
    }
}
