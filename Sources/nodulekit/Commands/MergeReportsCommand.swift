import ArgumentParser
import Foundation
import NoduleKit

/// `nodulekit merge-reports DIR`: joins the shard reports of `masks --shard`.
struct MergeReportsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-reports",
        abstract: "Join nodules.shard-I-of-N.csv and slices.shard-I-of-N.csv into nodules.csv and slices.csv.")

    @Argument(help: "The masks output folder the shards wrote into.")
    var folder: String

    func run() throws {
        let result = try ReportMerger.merge(folder: URL(fileURLWithPath: folder))
        print("merged \(result.shardCount) shards, \(result.rowCount) nodule rows")
        if !result.missingShards.isEmpty {
            print("missing shards: \(result.missingShards.map(String.init).joined(separator: ", "))")
            throw ExitCode(1)
        }
    }
}
