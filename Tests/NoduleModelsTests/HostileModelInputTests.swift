import Annotations
import Foundation
import NeuralNet
import NoduleModels
import TestSupport
import XCTest

/// model.json and labels.csv from anywhere: every field bounded, every product checked,
/// every UID safe to name a file — an error naming the file and field, never a trap or a
/// terabyte allocation.
final class HostileModelInputTests: XCTestCase {
    func testTheComputedParameterCountIsTheBuiltModelsForEveryKind() throws {
        let descriptions: [ModelDescription] = [
            .unet(.init(widthMultiplier: 0.125, levels: 3)), .unet(.init()),
            .encoder(.init()), .encoder(.init(inputChannels: 3, imageSize: 32, channels: [4, 8], hiddenUnits: 16)),
            .fullyConnected(.init()), .fullyConnected(.init(imageSize: 16, hiddenUnits: [])),
            .encoderDecoder(.init(imageSize: 16, widthMultiplier: 0.0625, levels: 3, hiddenUnits: [16, 8])),
        ]
        for description in descriptions {
            let built = try (try? description.makeSegmenter())?.parameterCount ?? description.makeClassifier().parameterCount
            XCTAssertEqual(try description.parameterCount(), built, "\(description)")
        }
        // The paper's U-Net without building it: PyTorch's unet(1, 64) has 15,323,585 (ArchitectureTests).
        XCTAssertEqual(try ModelDescription.unet(.init()).parameterCount(), 15_323_585)
    }

    func testAbsurdFieldsAreErrorsNamingTheFieldBeforeAnythingIsAllocated() {
        let cases: [(ModelDescription, String)] = [
            (.fullyConnected(.init(inputChannels: Int.max, imageSize: Int.max)), "inputChannels"),
            (.fullyConnected(.init(hiddenUnits: [1 << 40])), "hiddenUnits"),
            (.fullyConnected(.init(imageSize: 4096, hiddenUnits: [4096])), "parameters"),
            (.encoder(.init(channels: [Int.max, 8])), "channels"),
            (.encoder(.init(hiddenUnits: -1)), "hiddenUnits"),
            (.encoder(.init(channels: Array(repeating: 8, count: 40))), "channels"),
            (.unet(.init(inputChannels: 1 << 50)), "inputChannels"),
            (.unet(.init(widthMultiplier: 16, levels: 8)), "parameters"),
            (.unet(.init(widthMultiplier: .nan)), "widthMultiplier"),
            (.unet(.init(levels: -3)), "levels"),
            (.encoderDecoder(.init(imageSize: -64)), "imageSize"),
        ]
        for (description, field) in cases {
            XCTAssertThrowsError(try description.parameterCount(), "\(description)") { error in
                XCTAssertTrue("\(error)".contains(field), "\(error)")
            }
            XCTAssertThrowsError(try description.makeSegmenter(), "\(description)")
            XCTAssertThrowsError(try description.makeClassifier(), "\(description)")
        }
    }

    func testAHostileModelJSONIsRefusedNamingTheFile() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let json = #"{"fullyConnected":{"_0":{"inputChannels":2,"imageSize":1000000000,"hiddenUnits":[128],"seed":0}}}"#
        try Data(json.utf8).write(to: folder.appendingPathComponent("model.json"))
        try Data().write(to: folder.appendingPathComponent("best.safetensors"))
        XCTAssertThrowsError(try ModelDescription.locate(folder)) { error in
            guard case NoduleModelsError.invalidDataset(let path, let reason)? = error as? NoduleModelsError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, folder.appendingPathComponent("model.json").path)
            XCTAssertTrue(reason.contains("imageSize"), reason)
        }
        let good = #"{"unet":{"_0":{"inputChannels":1,"widthMultiplier":0.125,"levels":3,"dropoutRate":0.5,"seed":0}}}"#
        XCTAssertEqual(try ModelDescription.decode(Data(good.utf8), path: "model.json"),
                       .unet(.init(widthMultiplier: 0.125, levels: 3)))
    }

    func testLabelsWhoseSeriesUIDCouldLeaveTheDatasetAreRefusedNamingTheLine() throws {
        let folder = try TestEnvironment.temporaryDirectory(self)
        let url = folder.appendingPathComponent("labels.csv")
        for uid in ["../../escape", "a/b", ".hidden", "1.2 3"] {
            try "seriesuid,label\n1.2.3,benign\n\"\(uid)\",malignant\n".write(to: url, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try PatientLabels(contentsOf: url), uid) { error in
                guard case AnnotationError.badField(let file, let line, let column, _, _)? = error as? AnnotationError else { return XCTFail("\(error)") }
                XCTAssertEqual([file, column], [url.path, "seriesuid"])
                XCTAssertEqual(line, 3)
            }
        }
    }
}
