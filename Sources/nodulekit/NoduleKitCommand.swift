import ArgumentParser

/// The `nodulekit` command line: each subcommand is a thin call into the library.
@main
struct NoduleKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodulekit",
        abstract: "Lung-nodule imaging toolkit: read scans, place annotations, write masks.",
        version: NoduleKitVersion.current,
        subcommands: [
            InfoCommand.self, ConvertCommand.self, WorldToVoxelCommand.self, MasksCommand.self,
            MergeReportsCommand.self, OverlayCommand.self, PhantomCommand.self, DatasetCommand.self, TrainCommand.self, EvaluateCommand.self, ScreenCommand.self, ExportCommand.self,
            SeriesCommand.self, SuvCommand.self, LungsCommand.self, ResampleCommand.self, RegisterCommand.self, PetCompareCommand.self, PACSCommand.self, ListenCommand.self, DeidentifyCommand.self,
        ]
    )
}

enum NoduleKitVersion {
    static let current = "0.1.0"
}
