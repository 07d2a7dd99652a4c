import Foundation

/// Reads and writes the safetensors format (an 8-byte little-endian header length, a JSON
/// header mapping names to dtype, shape and byte offsets, then raw little-endian data), so
/// checkpoints move to and from PyTorch. Only F32 tensors are written or read.
public enum Safetensors {
    /// Writes `tensors` to `url` atomically (temporary file, then rename), names sorted;
    /// `metadata` goes into the header's `__metadata__` (text to text, as the format has it).
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name] ?? Tensor(shape: [0])
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]]
            offset += 4 * t.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        while json.count % 8 != 0 { json.append(0x20) }
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names {
            guard let t = tensors[name] else { continue }
            var le = t.scalars.map { $0.bitPattern.littleEndian }
            le.withUnsafeMutableBytes { data.append(contentsOf: $0) }
        }
        try data.write(to: url, options: .atomic)
    }

    /// Reads every tensor of the file at `url`; throws `checkpointFormat` naming the problem.
    public static func read(from url: URL) throws -> [String: Tensor] {
        try readWithMetadata(from: url).tensors
    }

    /// Reads every tensor and the `__metadata__` text of the file at `url` (empty when absent).
    public static func readWithMetadata(from url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let file = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw NeuralNetError.checkpointFormat(file: file, reason: "cannot read: \(error.localizedDescription)")
        }
        func fail(_ reason: String) -> NeuralNetError { .checkpointFormat(file: file, reason: reason) }
        guard data.count >= 8 else { throw fail("shorter than the 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else { throw fail("header length \(headerLength) exceeds the file") }
        let dataStart = 8 + Int(headerLength)
        let headerData = data.subdata(in: 8..<dataStart)
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw fail("header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        if let entry = header["__metadata__"] {
            guard let text = entry as? [String: String] else { throw fail("__metadata__ is not a map of text to text") }
            metadata = text
        }
        var out: [String: Tensor] = [:]
        for (name, entry) in header where name != "__metadata__" {
            guard let info = entry as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2
            else { throw fail("entry '\(name)' lacks dtype, shape or data_offsets") }
            guard dtype == "F32" else { throw fail("tensor '\(name)' has dtype \(dtype); only F32 is supported") }
            // Checked arithmetic: a hostile header must not overflow an Int.
            let (begin, end) = (offsets[0], offsets[1])
            guard let count = Tensor.elementCount(of: shape), begin >= 0, begin <= end,
                  end <= data.count - dataStart, (end - begin) / 4 == count, (end - begin) % 4 == 0
            else { throw fail("tensor '\(name)' has offsets \(offsets) that do not fit shape \(shape) and the file") }
            var scalars = [Float](repeating: 0, count: count)
            scalars.withUnsafeMutableBytes { dst in
                _ = data.copyBytes(to: dst, from: (dataStart + begin)..<(dataStart + end))
            }
            for i in scalars.indices { scalars[i] = Float(bitPattern: UInt32(littleEndian: scalars[i].bitPattern)) }
            out[name] = try Tensor(shape: shape, scalars: scalars)
        }
        return (out, metadata)
    }
}

extension Layer {
    /// Saves every parameter under its dotted name to a safetensors file, with `metadata`
    /// in its header (a training run records the epoch the weights are from).
    public func saveCheckpoint(to url: URL, metadata: [String: String] = [:]) throws {
        try Safetensors.write(stateDictionary(), metadata: metadata, to: url)
    }

    /// Loads parameters from a safetensors file; throws, listing missing, unexpected and
    /// wrongly shaped names, unless the file matches the model exactly.
    public func loadCheckpoint(from url: URL) throws {
        try loadStateDictionary(Safetensors.read(from: url))
    }
}
