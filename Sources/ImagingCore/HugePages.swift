#if canImport(Glibc)
import Glibc
#endif

/// Memory advice for large voxel buffers.
public enum HugePages {
    /// Asks the kernel to back a large, not yet touched buffer with transparent huge pages
    /// (where THP is in `madvise` mode, Debian's default): a 157 MB CT then costs a few
    /// hundred page faults instead of about 38,000, which is most of the time of reading
    /// it. Use it only for a buffer that is about to be written whole (a file read): a
    /// zero-filled volume is better left to lazily mapped zero pages. A no-op for buffers
    /// under 16 MB and off Linux.
    public static func advise(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        let huge = 2 << 20
        guard buffer.count >= 8 * huge, let base = buffer.baseAddress else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, MADV_HUGEPAGE)
        #endif
    }
}
