import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit screen`: the whole cascade on one scan.
struct ScreenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Run the cascade on one scan: suspicious slices, 3-D nodules in world mm, benign/malignant per nodule and patient.",
        discussion: """
            INPUT is a MetaImage/NIfTI file or a DICOM series folder. Writes OUTPUT/findings.csv \
            (one row per nodule, LUNA16's seriesuid,coordX,coordY,coordZ,diameter_mm columns first), \
            OUTPUT/slices.csv (per slice: highest probability, suspicious, malignancy), \
            OUTPUT/probabilities.<ext> and OUTPUT/mask.<ext> on the input's grid (--format mha or \
            nii.gz; labels 1…n by nodule), OUTPUT/lungs.<ext> (the lung mask searched), \
            OUTPUT/mask-seg.dcm and OUTPUT/findings-sr.dcm (for DICOM input with findings: a DICOM SEG \
            referencing the input, a segment per finding, and a TID 1500 measurement report SR of \
            the findings referencing those segments) and \
            OUTPUT/overlays/nodule-<n>.png (lungs outlined green and blue, the finding red). \
            Nodules are looked for inside the lungs grown by --lung-margin-mm unless \
            --no-lung-mask; nodules whose tissue goes on beyond them (continuation over \
            --maximum-continuation) are dropped as vessels unless --no-vessel-test; findings over \
            --mass-diameter-mm are masses (findings.csv's kind).
            """)

    @Argument(help: "A MetaImage/NIfTI file or a DICOM series folder.") var input: String
    @Option(help: "Trained segmenter (run folder or .safetensors).") var segmenter: String
    @Option(help: "Trained classifier (run folder or .safetensors); without it nodules get no malignancy.") var classifier: String?
    @Option(help: "Output folder.") var output: String
    @Option(help: "DICOM folders holding several series: the SeriesInstanceUID to screen.") var series: String?
    @Option(help: "Discriminator threshold on a slice's highest probability.") var threshold: Float = NoduleDiscriminator.paperThreshold
    @OptionGroup var findingOptions: FindingOptions
    @Option(help: "mha or nii.gz, for the probability map and the mask.") var format = "mha"
    @Option(help: "Compute threads.") var threads = 2
    @Option(help: "After writing them, C-STORE the SEG and the SR to this PACS, as HOST:PORT:AE_TITLE (calling AE NODULEKIT).")
    var sendTo: String?
    @OptionGroup var lungSearch: LungSearchOptions
    @Option(help: "Findings wider than this (mm, equivalent diameter) are masses, not nodules.") var massDiameterMm = 30.0
    @OptionGroup var outputOptions: OutputOptions
    @Flag(help: "Print how long each phase took (read, lungs, slices sampled, forward, probabilities on the grid, 3-D nodules, vessel test, classifier, volumes and tables, overlays, SEG and SR, send).")
    var timings = false

    func validate() throws {
        guard threshold > 0, threshold < 1 else { throw ValidationError("--threshold must be in (0, 1)") }
        guard ["mha", "nii.gz", "nii", "mhd"].contains(format) else { throw ValidationError("--format must be mha, mhd, nii or nii.gz") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
        if let sendTo { do { _ = try DICOMPeer(address: sendTo) } catch { throw ValidationError("--send-to: \(error)") } }
        guard massDiameterMm > 0 else { throw ValidationError("--mass-diameter-mm must be positive") }
    }

    func run() throws {
        NeuralNetProcess.configure(threads: threads)
        let inputURL = URL(fileURLWithPath: input), out = URL(fileURLWithPath: output)
        let started = Date()
        let scan = try ScanInput.read(inputURL, series: series)
        let readSeconds = Date().timeIntervalSince(started)
        let (volume, seriesUID, dicomSeries) = (scan.volume, scan.seriesUID, scan.dicomSeries)
        let screener = try SliceScreener.load(segmenter: URL(fileURLWithPath: segmenter),
                                              discriminator: NoduleDiscriminator(threshold: threshold), searchRegion: lungSearch.searchRegion(threads: threads))
        let classifierModel = try classifier.map { try ModelDescription.loadClassifier(URL(fileURLWithPath: $0)).classifier }
        let cascade = try findingOptions.cascade(screener, classifier: classifierModel, massDiameterMM: massDiameterMm)
        let report = try cascade.screen(volume, progress: TerminalProgress(label: "screen", quiet: outputOptions.quiet))
        let seconds = Date().timeIntervalSince(started)

        var writes = StageClock(total: 3)
        try FileManager.default.createDirectory(at: out.appendingPathComponent("overlays"), withIntermediateDirectories: true)
        let files = ScreeningFiles(report: report, seriesUID: seriesUID)
        try files.write(to: out, format: format)
        writes.mark("volumes and tables")
        try files.writeOverlays(to: out, scan: volume, threads: threads)
        writes.mark("overlays")
        let dicomOutputs = try dicomSeries.flatMap { try ScreeningDICOM.write(report, source: $0, to: out) }
        if dicomOutputs == nil {
            // An earlier screening's SEG and SR in this folder are not this one's findings.
            for name in ["mask-seg.dcm", "findings-sr.dcm"] where FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path) {
                try FileManager.default.removeItem(at: out.appendingPathComponent(name))
            }
        }
        if dicomSeries != nil { writes.mark("SEG and SR") }
        if let sendTo {
            if let files = dicomOutputs?.files {
                let summary = try StoreSender.send(try StorePlan(paths: files), to: try DICOMPeer(address: sendTo))
                if let failure = summary.failed.first { throw failure.error }
                print("sent \(files.map(\.lastPathComponent).joined(separator: " and ")) to \(sendTo)")
            } else {
                print("nothing to send: no SEG or SR (no nodule, or the input is not a DICOM series)")
            }
            writes.mark("send")
        }
        let suspicious = report.screened.suspiciousSlices.count
        let masses = report.nodules.filter(\.isMass).count
        print(String(format: "%@: %d slices in %.1f s (%.3f s per slice), %d suspicious (threshold %.2f), %d nodules, %d masses",
                     seriesUID, report.screened.sliceCount, seconds, seconds / Double(max(1, report.screened.sliceCount)),
                     suspicious, threshold, report.nodules.count - masses, masses))
        if let lungs = report.lungs {
            print(String(format: "lungs: right %.0f mL, left %.0f mL; searched inside them grown by %.1f mm",
                         lungs.rightVolumeML, lungs.leftVolumeML, lungSearch.lungMarginMm))
        } else {
            print("lungs: not segmented (--no-lung-mask); the whole scan was searched")
        }
        for n in report.nodules {
            let malignancy = n.malignancy.map { String(format: ", malignancy %.2f", $0) } ?? ""
            let continuation = n.continuation.map { String(format: ", continuation %.2f", $0) } ?? ""
            print(String(format: "  %@ %d: centre (%.1f, %.1f, %.1f) mm, diameter %.1f mm, %.0f mm³, slices %d–%d%@%@",
                         n.kind, n.label, n.center.x, n.center.y, n.center.z, n.equivalentDiameterMM, n.volumeMM3,
                         n.slices.lowerBound, n.slices.upperBound, continuation, malignancy))
        }
        if let p = report.patientMalignancy {
            print(String(format: "patient: %@ (malignancy %.2f, the highest of its findings)", p > 0.5 ? "malignant" : "benign", p))
        } else if classifierModel != nil {
            print("patient: no nodule found")
        }
        if timings {
            let stages = [StageTime(name: "read", seconds: readSeconds)] + report.stageSeconds + writes.stages
            print("timings: " + stages.map { String(format: "%@ %.2f s", $0.name, $0.seconds) }.joined(separator: ", "))
        }
        print("findings: \(out.appendingPathComponent("findings.csv").path)")
    }
}

/// The files `screen` writes for one report.
struct ScreeningFiles {
    let report: ScreeningReport
    let seriesUID: String

    /// The probability map, the masks and the CSV tables.
    func write(to folder: URL, format: String) throws {
        try ImageFile.write(report.probabilities, to: folder.appendingPathComponent("probabilities.\(format)"))
        try ImageFile.write(report.mask, to: folder.appendingPathComponent("mask.\(format)"))
        if let lungs = report.lungs {
            try ImageFile.write(lungs.labels, to: folder.appendingPathComponent("lungs.\(format)"))
        }
        var findings = CSVWriter(header: ["seriesuid", "coordX", "coordY", "coordZ", "diameter_mm", "volume_mm3", "voxels",
                                          "first_slice", "last_slice", "max_probability", "malignancy", "kind", "continuation"])
        for n in report.nodules {
            findings.append([seriesUID, String(n.center.x), String(n.center.y), String(n.center.z), String(n.equivalentDiameterMM),
                             String(n.volumeMM3), String(n.voxelCount), String(n.slices.lowerBound), String(n.slices.upperBound),
                             String(n.maximumProbability), n.malignancy.map { String($0) } ?? "", n.kind,
                             n.continuation.map { String($0) } ?? ""])
        }
        try AtomicFile.write(Data(findings.text.utf8), to: folder.appendingPathComponent("findings.csv"))
        var slices = CSVWriter(header: ["slice", "max_probability", "suspicious", "malignancy"])
        let s = report.screened
        for k in 0..<s.sliceCount {
            slices.append([String(k), String(s.maximumProbabilities[k]), s.suspicious[k] ? "1" : "0",
                           report.sliceMalignancy[k].map { String($0) } ?? ""])
        }
        try AtomicFile.write(Data(slices.text.utf8), to: folder.appendingPathComponent("slices.csv"))
    }

    /// One picture per finding, `overlays/nodule-<n>.png`, `threads` at a time.
    func writeOverlays(to folder: URL, scan: AnyVolume, threads: Int) throws {
        // A screening into the folder of an earlier one: its overlays of findings this one
        // does not have would pass for this one's.
        let overlays = folder.appendingPathComponent("overlays")
        for name in try FileManager.default.contentsOfDirectory(atPath: overlays.path)
        where name.hasPrefix("nodule-") && name.hasSuffix(".png") {
            try FileManager.default.removeItem(at: overlays.appendingPathComponent(name))
        }
        let nodules = report.nodules
        guard !nodules.isEmpty else { return }  // no picture, so no full-volume copy for one
        let image = scan.converted(to: Float.self), lanes = max(1, min(threads, nodules.count))
        let failures = FirstError()
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for index in stride(from: lane, to: nodules.count, by: lanes) where failures.error == nil {
                do { try writeOverlay(of: nodules[index], image: image, to: folder) } catch { failures.record(error) }
            }
        }
        if let error = failures.error { throw error }
    }

    private func writeOverlay(of n: ScreenedNodule, image: Volume<Float>, to folder: URL) throws {
        let k = Int(image.geometry.worldToContinuousIndex(n.center).z.rounded())
        var picture = SliceOverlay(image: image, mask: nil, k: k, scale: 3)
        if let lungs = report.lungs {
            picture = picture.outlining(lungs.labels, label: LungMask.rightLung, k: k, colour: LungOverlays.rightColour, scale: 3)
                .outlining(lungs.labels, label: LungMask.leftLung, k: k, colour: LungOverlays.leftColour, scale: 3)
        }
        try picture.outlining(report.mask, label: UInt8(n.label), k: k, colour: (255, 40, 40), scale: 3)
            .writePNG(to: folder.appendingPathComponent("overlays/nodule-\(n.label).png"))
    }
}
