import Foundation
import ImagingCore

/// How much anatomy a phantom draws.
public enum PhantomAnatomy: String, Sendable, CaseIterable, Codable {
    /// A body, two lungs and straight vessels (the SampleData phantoms).
    case simple
    /// What a chest CT has around the lungs and what fooled the first networks on real CT:
    /// heart, aorta (ascending, arch, descending), mediastinal fat, chest-wall muscle and
    /// ribs, spine, liver dome under the right lung and stomach with its gas under the left,
    /// trachea and main bronchi with walls, and vessel trees that branch and taper.
    case chest
}

/// The structures of `PhantomAnatomy.chest`, laid out in world millimetres around the body
/// centre and scaled by the half in-plane extent `h` and the slice extent `ez`, so any grid
/// shows the same patient.
struct ChestAnatomy: Sendable {
    struct Ellipsoid: Sendable {
        var centre: Vector3, radii: Vector3, hounsfield: Double
        func contains(_ p: Vector3) -> Bool { let q = (p - centre) / radii; return dot(q, q) <= 1 }
    }
    struct Tube: Sendable {
        var from: Vector3, to: Vector3, radius: Double, hounsfield: Double
        /// Bounding sphere for a quick reject.
        var middle: Vector3 { (from + to) / 2 }
        var reach: Double { length(to - from) / 2 + radius }
        func contains(_ p: Vector3) -> Bool {
            let d = p - middle
            guard dot(d, d) <= reach * reach else { return false }
            return ChestPhantom.distanceToSegment(p, from, to) <= radius
        }
    }

    /// Solid organs and vessels outside the lungs, first match wins.
    var organs: [Ellipsoid] = []
    var greatVessels: [Tube] = []
    /// Airway lumens and their walls (wall tubes are 1 mm wider).
    var airways: [Tube] = []
    /// Gas pockets (stomach) inside organs.
    var gas: [Ellipsoid] = []
    /// Branching, tapering vessels, drawn only inside the lungs.
    var vesselTree: [Tube] = []
    /// The spine: vertebral body centre (x, y), radius.
    var spineCentre: Vector3, spineRadius: Double
    /// Ribs: the shell of the body ellipse they sit in, their period along z (mm).
    var ribPeriodMM = 22.0, ribThicknessMM = 5.0

    init(centre c: Vector3, half h: Double, sliceExtent ez: Double, lungs: [(centre: Vector3, radii: Vector3)],
         rng: inout SeededGenerator) {
        let top = c.z + ez / 2, bottom = c.z - ez / 2
        spineCentre = c + Vector3(0, 0.50 * h, 0)
        spineRadius = 0.11 * h
        // Heart low and to the left, carving the left lung's cardiac notch.
        organs.append(Ellipsoid(centre: c + Vector3(0.08 * h, -0.18 * h, -0.2 * ez), radii: Vector3(0.30 * h, 0.24 * h, 0.30 * ez), hounsfield: 45))
        // Liver dome under the right lung, stomach and spleen under the left.
        organs.append(Ellipsoid(centre: Vector3(c.x - 0.35 * h, c.y + 0.05 * h, bottom - 0.1 * ez), radii: Vector3(0.45 * h, 0.55 * h, 0.36 * ez), hounsfield: 60))
        organs.append(Ellipsoid(centre: Vector3(c.x + 0.35 * h, c.y + 0.1 * h, bottom - 0.15 * ez), radii: Vector3(0.40 * h, 0.50 * h, 0.26 * ez), hounsfield: 40))
        gas.append(Ellipsoid(centre: Vector3(c.x + 0.33 * h, c.y - 0.12 * h, bottom), radii: Vector3(0.09 * h, 0.07 * h, 0.04 * ez), hounsfield: -1000))
        // Aorta: ascending from the heart, the arch, descending left of the spine.
        let ascendingTop = Vector3(c.x + 0.05 * h, c.y - 0.10 * h, c.z + 0.32 * ez)
        let descendingTop = Vector3(c.x + 0.13 * h, c.y + 0.36 * h, c.z + 0.32 * ez)
        let r = 0.065 * h
        greatVessels.append(Tube(from: Vector3(c.x + 0.05 * h, c.y - 0.10 * h, c.z - 0.05 * ez), to: ascendingTop, radius: r, hounsfield: 45))
        greatVessels.append(Tube(from: ascendingTop, to: descendingTop, radius: r, hounsfield: 45))
        greatVessels.append(Tube(from: descendingTop, to: Vector3(descendingTop.x, descendingTop.y, bottom - 10), radius: r, hounsfield: 45))
        // Pulmonary trunk from the heart towards each hilum.
        let trunk = c + Vector3(0.02 * h, -0.05 * h, 0.05 * ez)
        let hila = lungs.map { $0.centre + Vector3($0.centre.x < c.x ? $0.radii.x * 0.55 : -$0.radii.x * 0.55, 0.02 * h, 0.05 * ez) }
        for hilum in hila { greatVessels.append(Tube(from: trunk, to: hilum, radius: 0.05 * h, hounsfield: 40)) }
        // Trachea from above the scan to the carina, main bronchi into each lung.
        let carina = Vector3(c.x, c.y - 0.02 * h, c.z + 0.18 * ez)
        airways.append(Tube(from: Vector3(carina.x, carina.y, top + 10), to: carina, radius: 0.12 * h, hounsfield: -1000))
        for (lung, hilum) in zip(lungs, hila) {
            let inside = hilum + (lung.centre - hilum) * 0.35 + Vector3(0, 0, 0.05 * ez)
            airways.append(Tube(from: carina, to: inside, radius: 0.07 * h, hounsfield: -1000))
        }
        // Vessel trees: three trunks per hilum, each splitting in two three times, the
        // children 0.7 × as thick and long, turned up to about 40° from their parent.
        func randomUnit() -> Vector3 {
            let d = Vector3(rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian())
            return d / max(length(d), 1e-6)
        }
        for (lung, hilum) in zip(lungs, hila) {
            for _ in 0..<3 {
                var towards = lung.centre - hilum + randomUnit() * lung.radii * 0.9
                towards = towards / max(length(towards), 1e-6)
                var stack: [(Vector3, Vector3, Double, Double, Int)] = [(hilum, towards, 0.04 * h, 0.45 * h, 0)]
                while let (start, direction, radius, span, depth) = stack.popLast() {
                    let end = start + direction * span
                    vesselTree.append(Tube(from: start, to: end, radius: radius, hounsfield: 30))
                    guard depth < 3 else { continue }
                    for _ in 0..<2 {
                        var d = direction + randomUnit() * 0.7
                        d = d / max(length(d), 1e-6)
                        stack.append((end, d, max(0.35, radius * 0.7), span * 0.7, depth + 1))
                    }
                }
            }
        }
    }

    /// The value of a structure outside the lungs' parenchyma at `p`, or nil: airway walls
    /// and lumens, great vessels, organs (with their gas), the spine; `bodyShell` is the
    /// point's normalised body-ellipse value (1 on the skin), for the ribs.
    func structure(at p: Vector3, bodyShell: Double) -> Double? {
        for a in airways where a.contains(p) { return a.hounsfield }
        for a in airways {
            var wall = a
            wall.radius += 1
            if wall.contains(p) { return 30 }
        }
        for v in greatVessels where v.contains(p) { return v.hounsfield }
        for g in gas where g.contains(p) { return g.hounsfield }
        for o in organs where o.contains(p) { return o.hounsfield }
        let s = Vector3(p.x - spineCentre.x, p.y - spineCentre.y, 0)
        let rs = length(s)
        if rs <= spineRadius { return rs >= spineRadius * 0.8 ? 450 : 220 }
        if rs <= spineRadius * 1.6 && p.y > spineCentre.y { return 300 } // posterior elements
        if bodyShell > 0.62 && bodyShell < 0.74 {
            let phase = (p.z + 0.2 * p.y).truncatingRemainder(dividingBy: ribPeriodMM)
            if (phase < 0 ? phase + ribPeriodMM : phase) < ribThicknessMM { return 500 }
        }
        return nil
    }

    /// Soft tissue between the lungs that is not an organ: mediastinal fat near the midline,
    /// muscle elsewhere.
    func interior(at p: Vector3, centre c: Vector3, half h: Double) -> Double {
        abs(p.x - c.x) < 0.16 * h && p.y < spineCentre.y - spineRadius ? -90 : 40
    }

    /// Whether a vessel of the tree passes through `p`.
    func vessel(at p: Vector3) -> Bool { vesselTree.contains { $0.contains(p) } }
}
