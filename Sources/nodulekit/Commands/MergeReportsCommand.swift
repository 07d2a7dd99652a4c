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
        guard result.missingShards.isEmpty else {
            let missing = result.missingShards.map { "\($0)/\(result.shardCount)" }.joined(separator: ", ")
            throw ValidationError("found \(result.foundShards) of \(result.shardCount) shard reports; missing \(missing); nothing written")
        }
        print("merged \(result.foundShards) shards, \(result.rowCount) nodule rows into nodules.csv and slices.csv")
    }
}
