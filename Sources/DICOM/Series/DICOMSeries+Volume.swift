import Foundation
import ImagingCore

/// Choices for volume assembly.
public struct SeriesLoadOptions: Sendable {
    /// Assemble a series with non-uniform slice spacing anyway, with ITK's spacing
    /// (first-to-last distance over the slice count); the problem stays reported.
    public var allowNonUniformSpacing: Bool

    /// Resample the slices of a tilted-gantry series onto the orthogonal grid (bilinear,
    /// in plane), so world coordinates are right; when false the shear is left in.
    public var correctGantryTilt: Bool

    /// Creates options; the defaults refuse non-uniform spacing and correct gantry tilt.
    public init(allowNonUniformSpacing: Bool = false, correctGantryTilt: Bool = true) {
        self.allowNonUniformSpacing = allowNonUniformSpacing
        self.correctGantryTilt = correctGantryTilt
    }
}

/// Volume assembly: files are opened and decoded in parallel (one task per slice on
/// all cores), each straight into its k-slice of the output buffer.
extension DICOMSeries {
    /// The volume in the smallest faithful type: `Int16` (Hounsfield units for CT) when
    /// every slice's RescaleSlope and RescaleIntercept are integers and the values fit,
    /// `Float` otherwise.
    public func loadVolume(options: SeriesLoadOptions = .init(), progress: any ProgressReporter = SilentProgress()) throws -> AnyVolume {
        let stack = try assemblableStack(options)
        let integral = stack.slices.allSatisfy { $0.rescaleSlope == $0.rescaleSlope.rounded() && $0.rescaleIntercept == $0.rescaleIntercept.rounded() }
        if integral, var volume = try loadInt16(stack: stack, progress: progress) {
            Self.correctTilt(&volume, stack, options)
            return .int16(volume)
        }
        var volume = try loadFloat(stack: stack, factors: nil, progress: progress)
        Self.correctTilt(&volume, stack, options)
        return .float32(volume)
    }

    /// The volume as `Int16` after RescaleSlope/RescaleIntercept (Hounsfield units for
    /// CT). Throws when the rescale is not integral or a value does not fit Int16.
    public func loadInt16Volume(options: SeriesLoadOptions = .init(), progress: any ProgressReporter = SilentProgress()) throws -> Volume<Int16> {
        let stack = try assemblableStack(options)
        guard let bad = stack.slices.first(where: { $0.rescaleSlope != $0.rescaleSlope.rounded() || $0.rescaleIntercept != $0.rescaleIntercept.rounded() }) else {
            guard var volume = try loadInt16(stack: stack, progress: progress) else {
                throw DICOMError.invalidSeries(id, reason: "rescaled values do not fit Int16; load it as Float")
            }
            Self.correctTilt(&volume, stack, options)
            return volume
        }
        throw DICOMError.invalidValue(path: bad.url.path, tag: .rescaleSlope, value: "\(bad.rescaleSlope) / \(bad.rescaleIntercept)", expected: "integral RescaleSlope and RescaleIntercept for an Int16 volume")
    }

    /// The volume as `Float` after RescaleSlope/RescaleIntercept.
    public func loadFloatVolume(options: SeriesLoadOptions = .init(), progress: any ProgressReporter = SilentProgress()) throws -> Volume<Float> {
        let stack = try assemblableStack(options)
        var volume = try loadFloat(stack: stack, factors: nil, progress: progress)
        Self.correctTilt(&volume, stack, options)
        return volume
    }

    /// Removes gantry-tilt shear when the options ask for it.
    static func correctTilt<T: VoxelScalar>(_ volume: inout Volume<T>, _ stack: SliceStack, _ options: SeriesLoadOptions) {
        guard options.correctGantryTilt, let shifts = GantryTiltCorrection.shifts(stack) else { return }
        GantryTiltCorrection.apply(&volume, shifts: shifts)
    }

    /// The stack, or an error when the series cannot become a regular volume.
    func assemblableStack(_ options: SeriesLoadOptions) throws -> SliceStack {
        guard let stack else {
            throw DICOMError.invalidSeries(id, reason: problems.map(\.description).joined(separator: "; "))
        }
        let blocking = stack.problems.first { problem in
            if case .nonUniformSpacing = problem { return !options.allowNonUniformSpacing }
            return problem.preventsAssembly
        }
        if let blocking {
            throw DICOMError.invalidSeries(id, reason: "\(blocking)")
        }
        if let multi = stack.slices.first(where: { $0.frames > 1 && $0.dataset.sequence(.perFrameFunctionalGroupsSequence).isEmpty }) {
            throw DICOMError.invalidSeries(id, reason: "\(multi.url.lastPathComponent) is multi-frame without per-frame functional groups: no slice positions")
        }
        return stack
    }

    /// Decodes into Int16; nil when a value overflowed Int16 (the caller falls back).
    func loadInt16(stack: SliceStack, progress: any ProgressReporter) throws -> Volume<Int16>? {
        let overflow = FirstError()
        let volume = try decodeSlices(stack, as: Int16.self, progress: progress) { header, _, decoded, slice in
            if try !SliceDecoder.decodeInt16(header, decoded: decoded, into: slice) { overflow.record(DICOMError.invalidSeries(id, reason: "Int16 overflow")) }
        }
        return overflow.error == nil ? volume : nil
    }

    /// Decodes into Float, times `factors[sliceIndex]` when given (SUV).
    func loadFloat(stack: SliceStack, factors: [Double]?, progress: any ProgressReporter) throws -> Volume<Float> {
        try decodeSlices(stack, as: Float.self, progress: progress) { header, sliceIndex, decoded, slice in
            try SliceDecoder.decodeFloat(header, factor: factors?[sliceIndex] ?? 1, decoded: decoded, into: slice)
        }
    }

    /// Runs `decode` for every file slice in parallel (all cores), each writing its own
    /// k-slice of one shared buffer, then fills interpolated slices. A multi-frame file
    /// is opened and decoded once; its frames reach `decode` as stored values (the
    /// `ArraySlice`), while single-frame files are decoded by `decode` itself (nil).
    func decodeSlices<T: VoxelScalar>(_ stack: SliceStack, as: T.Type, progress: any ProgressReporter,
                                      _ decode: @escaping @Sendable (SliceHeader, Int, ArraySlice<Double>?, UnsafeMutableBufferPointer<T>) throws -> Void) throws -> Volume<T> {
        let perSlice = stack.geometry.size.sliceCount
        let total = stack.geometry.size.voxelCount
        // Headers can claim any size; refuse before allocating what cannot exist.
        let needed = Double(total) * Double(MemoryLayout<T>.stride)
        guard needed <= Double(ProcessInfo.processInfo.physicalMemory) / 2 else {
            throw DICOMError.invalidSeries(id, reason: "a \(stack.geometry.size) volume would need more than half of this machine's memory")
        }
        let failures = FirstError()
        let fileSlots = Self.fileSlots(stack)
        // One unit of work per file, so a multi-frame file is decoded once.
        var unitOfURL: [URL: Int] = [:]
        var grouped: [[(Int, Int)]] = []
        for slot in fileSlots {
            let url = stack.slices[slot.0].url
            if let u = unitOfURL[url] { grouped[u].append(slot) } else { unitOfURL[url] = grouped.count; grouped.append([slot]) }
        }
        let units = grouped
        let done = ProgressCounter(total: fileSlots.count, reporter: progress)
        // Every slot is written below (file slices by the workers, the rest by
        // interpolation), so the buffer is not zero-filled first.
        let voxels = [T](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let base = buffer.baseAddress else { initialized = 0; return }
            // The pointer is shared by the workers; each writes only its own slices.
            let shared = SharedPointer(base)
            DispatchQueue.concurrentPerform(iterations: units.count) { u in
                let unit = units[u]
                let slice = { (k: Int) in UnsafeMutableBufferPointer(start: shared.pointer + k * perSlice, count: perSlice) }
                var frames: [Double]? = nil
                if unit.count > 1 || stack.slices[unit[0].0].frames > 1 {
                    do {
                        let first = stack.slices[unit[0].0]
                        let all = try DICOMFile(contentsOf: first.url, convertingHeader: false).decodePixels()
                        guard all.description.samplesPerPixel == 1, all.count == first.frames * perSlice else {
                            throw DICOMError.invalidSeries(first.url.path, reason: "pixel layout \(all.description.columns)x\(all.description.rows)x\(all.description.samplesPerPixel), \(all.description.frames) frames, differs from the series' grey \(perSlice)-pixel slices")
                        }
                        frames = all.doubleValues
                    } catch {
                        failures.record(error)
                        for (_, k) in unit { slice(k).initialize(repeating: .zero) }
                        return
                    }
                }
                for (sliceIndex, k) in unit {
                    let header = stack.slices[sliceIndex]
                    do {
                        var decoded: ArraySlice<Double>? = nil
                        if let frames {
                            let range = (header.frame * perSlice)..<((header.frame + 1) * perSlice)
                            guard range.upperBound <= frames.count else {
                                throw DICOMError.decodeFailed(path: header.url.path, transferSyntax: "", reason: "frame \(header.frame) is missing")
                            }
                            decoded = frames[range]
                        }
                        try decode(header, sliceIndex, decoded, slice(k))
                    } catch {
                        failures.record(error)
                        slice(k).initialize(repeating: .zero)
                    }
                    done.advance(item: header.url.lastPathComponent)
                }
            }
            Self.interpolate(stack, buffer, perSlice: perSlice) { T(clampingDouble: $0) }
            initialized = total
        }
        if let error = failures.error { throw error }
        return try Volume(geometry: stack.geometry, voxels: voxels)
    }

    /// (index into stack.slices, k) for every slot that is a file.
    static func fileSlots(_ stack: SliceStack) -> [(Int, Int)] {
        stack.slots.enumerated().compactMap { k, slot in
            if case .file(let i) = slot { return (i, k) }
            return nil
        }
    }

    /// Fills interpolated slots from their neighbouring file slices.
    static func interpolate<T: VoxelScalar>(_ stack: SliceStack, _ voxels: UnsafeMutableBufferPointer<T>, perSlice: Int, make: (Double) -> T) {
        var kOfSlice: [Int: Int] = [:]
        for (i, k) in fileSlots(stack) { kOfSlice[i] = k }
        for (k, slot) in stack.slots.enumerated() {
            guard case .interpolated(let below, let above, let w) = slot, let kb = kOfSlice[below], let ka = kOfSlice[above] else { continue }
            for p in 0..<perSlice {
                let v = (1 - w) * voxels[kb * perSlice + p].doubleValue + w * voxels[ka * perSlice + p].doubleValue
                voxels[k * perSlice + p] = make(v)
            }
        }
    }
}

/// A raw pointer handed to concurrent workers that write disjoint ranges.
struct SharedPointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
