/// A 3×5 pixel font for labels in raster pictures (plots, fusion views): digits, capital
/// letters (lower case is drawn as capitals) and common punctuation. Each glyph is five rows
/// of three bits.
public enum PixelFont {
    static let glyphs: [Character: [UInt8]] = {
        let table: [(Character, String)] = [
            ("0", "111 101 101 101 111"), ("1", "010 110 010 010 111"), ("2", "111 001 111 100 111"),
            ("3", "111 001 111 001 111"), ("4", "101 101 111 001 001"), ("5", "111 100 111 001 111"),
            ("6", "111 100 111 101 111"), ("7", "111 001 001 001 001"), ("8", "111 101 111 101 111"),
            ("9", "111 101 111 001 111"), ("A", "010 101 111 101 101"), ("B", "110 101 110 101 110"),
            ("C", "011 100 100 100 011"), ("D", "110 101 101 101 110"), ("E", "111 100 110 100 111"),
            ("F", "111 100 110 100 100"), ("G", "011 100 101 101 011"), ("H", "101 101 111 101 101"),
            ("I", "111 010 010 010 111"), ("J", "001 001 001 101 010"), ("K", "101 101 110 101 101"),
            ("L", "100 100 100 100 111"), ("M", "101 111 111 101 101"), ("N", "110 101 101 101 101"),
            ("O", "010 101 101 101 010"), ("P", "110 101 110 100 100"), ("Q", "010 101 101 110 011"),
            ("R", "110 101 110 101 101"), ("S", "011 100 010 001 110"), ("T", "111 010 010 010 010"),
            ("U", "101 101 101 101 111"), ("V", "101 101 101 101 010"), ("W", "101 101 111 111 101"),
            ("X", "101 101 010 101 101"), ("Y", "101 101 010 010 010"), ("Z", "111 001 010 100 111"),
            (".", "000 000 000 000 010"), ("-", "000 000 111 000 000"), (":", "000 010 000 010 000"),
            ("/", "001 001 010 100 100"), ("(", "010 100 100 100 010"), (")", "010 001 001 001 010"),
            (",", "000 000 000 010 100"), ("%", "101 001 010 100 101"), ("_", "000 000 000 000 111"),
            ("+", "000 010 111 010 000"), ("=", "000 111 000 111 000"), (" ", "000 000 000 000 000"),
        ]
        var out: [Character: [UInt8]] = [:]
        for (c, rows) in table { out[c] = rows.split(separator: " ").map { UInt8($0, radix: 2) ?? 0 } }
        return out
    }()

    /// Width in pixels of `text` at `scale` (4 columns per character, 3 lit).
    public static func width(_ text: String, scale: Int) -> Int { max(0, text.count * 4 * scale - scale) }

    /// Calls `plot(x, y)` for every lit pixel of `text` with its top-left at (x, y).
    public static func draw(_ text: String, x: Int, y: Int, scale: Int, _ plot: (Int, Int) -> Void) {
        for (n, ch) in text.uppercased().enumerated() {
            let rows = glyphs[ch] ?? glyphs["?"] ?? [7, 5, 1, 0, 2]
            for (r, bits) in rows.enumerated() {
                for c in 0..<3 where bits & (4 >> c) != 0 {
                    for dy in 0..<scale { for dx in 0..<scale { plot(x + (n * 4 + c) * scale + dx, y + r * scale + dy) } }
                }
            }
        }
    }
}
