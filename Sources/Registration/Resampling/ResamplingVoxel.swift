import ImagingCore

/// A voxel type that knows how it must be resampled: a `UInt8` volume is a label map
/// (masks, segmentations) and is read by nearest neighbour, so labels never blend; every
/// other type holds intensities (HU, SUV, probabilities) and is read trilinearly.
/// This is why `Volume.resampled(onto:through:defaultValue:)` takes no interpolation
/// flag: the type decides (TorchIO's ScalarImage/LabelMap split, in the voxel type).
public protocol ResamplingVoxel: VoxelScalar {
    /// The interpolation this voxel type is resampled with.
    static var resamplingInterpolation: Interpolation { get }
}

extension UInt8: ResamplingVoxel { public static var resamplingInterpolation: Interpolation { .nearest } }
extension Int8: ResamplingVoxel { public static var resamplingInterpolation: Interpolation { .linear } }
extension UInt16: ResamplingVoxel { public static var resamplingInterpolation: Interpolation { .linear } }
extension Int16: ResamplingVoxel { public static var resamplingInterpolation: Interpolation { .linear } }
extension UInt32: ResamplingVoxel { public static var resamplingInterpolation: Interpolation { .linear } }
extension Int32: ResamplingVoxel { public static var resamplingInterpolation: Interpolation { .linear } }
extension Float: ResamplingVoxel { public static var resamplingInterpolation: Interpolation { .linear } }
extension Double: ResamplingVoxel { public static var resamplingInterpolation: Interpolation { .linear } }

extension Volume where Voxel: ResamplingVoxel {
    /// This (moving) volume resampled onto `reference` through `transform`, which maps
    /// reference-world points to this volume's world (ITK's direction). The voxel type
    /// picks the interpolation (`UInt8` labels: nearest; intensities: linear); points
    /// outside this volume get `defaultValue` (0 SUV for PET). Equal to SimpleITK's
    /// `Resample` with the same transform and interpolator, edges included.
    public func resampled(onto reference: ImageGeometry, through transform: RigidTransform = .identity,
                          defaultValue: Voxel = .zero, threads: Int? = nil) -> Volume<Voxel> {
        TransformResampler.resample(self, onto: reference, through: transform,
                                    interpolation: Voxel.resamplingInterpolation, defaultValue: defaultValue, threads: threads)
    }
}
