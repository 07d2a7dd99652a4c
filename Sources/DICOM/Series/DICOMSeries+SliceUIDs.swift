extension DICOMSeries {
    /// The SOP Instance UID of each k-slice of the assembled volume (nil for a slice
    /// interpolated across a gap), empty when the series has no geometry.
    public var sliceSOPInstanceUIDs: [String?] {
        guard let stack else { return [] }
        return stack.slots.map { slot in
            if case .file(let n) = slot, n < stack.slices.count { return stack.slices[n].sopInstanceUID }
            return nil
        }
    }
}
