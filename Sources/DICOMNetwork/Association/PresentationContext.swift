/// A presentation context to propose: an abstract syntax (SOP class), the transfer
/// syntaxes acceptable for it, and whether we also offer the SCP role (needed for the
/// C-STORE sub-operations of a C-GET).
public struct PresentationContext: Sendable, Hashable {
    /// The SOP class UID.
    public var abstractSyntax: String
    /// Transfer syntax UIDs, preferred first.
    public var transferSyntaxes: [String]
    /// Propose the SCP role for this context (role selection SCU 0, SCP 1, as getscu
    /// does): the storage contexts of a C-GET.
    public var scpRole: Bool

    /// A context for `abstractSyntax` in `transferSyntaxes`.
    public init(_ abstractSyntax: String, transferSyntaxes: [String] = TransferSyntax.uncompressed, scpRole: Bool = false) {
        self.abstractSyntax = abstractSyntax
        self.transferSyntaxes = transferSyntaxes
        self.scpRole = scpRole
    }
}

/// Transfer syntax UIDs the networking uses.
public enum TransferSyntax {
    public static let explicitLittleEndian = "1.2.840.10008.1.2.1"
    public static let implicitLittleEndian = "1.2.840.10008.1.2"
    public static let explicitBigEndian = "1.2.840.10008.1.2.2"
    /// The three uncompressed syntaxes, explicit little endian first.
    public static let uncompressed = [explicitLittleEndian, implicitLittleEndian, explicitBigEndian]
    /// Compressed syntaxes stored as they arrive: deflate, JPEG lossless SV1, lossless,
    /// baseline, extended, JPEG-LS lossless and near-lossless, JPEG 2000 lossless and
    /// lossy, RLE.
    public static let compressed = ["1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.57",
                                    "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.80",
                                    "1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91",
                                    "1.2.840.10008.1.2.5"]

    /// True for the uncompressed syntaxes.
    public static func isUncompressed(_ uid: String) -> Bool { uncompressed.contains(uid) }
}

/// SOP class UIDs the networking uses.
public enum SOPClass {
    public static let verification = "1.2.840.10008.1.1"
    public static let ctImage = "1.2.840.10008.5.1.4.1.1.2"
    public static let enhancedCTImage = "1.2.840.10008.5.1.4.1.1.2.1"
    public static let mrImage = "1.2.840.10008.5.1.4.1.1.4"
    public static let petImage = "1.2.840.10008.5.1.4.1.1.128"
    public static let secondaryCapture = "1.2.840.10008.5.1.4.1.1.7"
    public static let segmentation = "1.2.840.10008.5.1.4.1.1.66.4"
    public static let spatialRegistration = "1.2.840.10008.5.1.4.1.1.66.1"
    public static let comprehensiveSR = "1.2.840.10008.5.1.4.1.1.88.33"
    public static let enhancedSR = "1.2.840.10008.5.1.4.1.1.88.22"
    public static let basicTextSR = "1.2.840.10008.5.1.4.1.1.88.11"
    public static let comprehensive3DSR = "1.2.840.10008.5.1.4.1.1.88.34"
    public static let rtStructureSet = "1.2.840.10008.5.1.4.1.1.481.3"
    public static let digitalXRay = "1.2.840.10008.5.1.4.1.1.1.1"
    public static let computedRadiography = "1.2.840.10008.5.1.4.1.1.1"
    public static let ultrasound = "1.2.840.10008.5.1.4.1.1.6.1"
    public static let nmImage = "1.2.840.10008.5.1.4.1.1.20"
    public static let encapsulatedPDF = "1.2.840.10008.5.1.4.1.1.104.1"

    /// The storage classes a C-GET proposes in the SCP role unless told otherwise (a
    /// presentation context each; 128 contexts at most fit in an association).
    public static let commonStorage = [ctImage, enhancedCTImage, mrImage, petImage, secondaryCapture, segmentation,
                                       spatialRegistration, comprehensiveSR, enhancedSR, basicTextSR, comprehensive3DSR,
                                       rtStructureSet, digitalXRay, computedRadiography, ultrasound, nmImage, encapsulatedPDF]
}
