import ArgumentParser
import Foundation
import NoduleKit

/// The secret keying UID replacement: `--secret`, else $NODULEKIT_DEID_SECRET.
enum DeidentificationSecret {
    static let environmentName = "NODULEKIT_DEID_SECRET"

    /// The secret given, or the environment's; a validation error naming both when neither is set.
    static func resolve(_ secret: String?) throws -> String {
        if let secret { return secret }
        if let value = ProcessInfo.processInfo.environment[environmentName] { return value }
        throw ValidationError("give --secret or set \(environmentName): the secret keys the UID replacement")
    }
}

/// `--deidentify [--secret S]` of the dataset builders.
struct DatasetDeidentifyOptions: ParsableArguments {
    @Flag(help: "Name series by the UID `nodulekit deidentify` gives them under the same secret and patients by a keyed pseudonym, in file names and every table.")
    var deidentify = false
    @Option(help: "Secret of --deidentify (default: $NODULEKIT_DEID_SECRET); use the one of the DICOM export to keep both linked.")
    var secret: String?

    func validate() throws {
        if deidentify { _ = try DeidentificationSecret.resolve(secret) }
        if secret != nil, !deidentify { throw ValidationError("--secret needs --deidentify") }
    }

    /// The pseudonyms to name the outputs by; nil without --deidentify.
    func pseudonyms() throws -> KeyedPseudonyms? {
        deidentify ? KeyedPseudonyms(secret: try DeidentificationSecret.resolve(secret)) : nil
    }
}
