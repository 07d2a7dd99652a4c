import Foundation
@testable import NeuralNet
import XCTest

/// The two matrix-product providers agree on every form `sgemm` is called with.
final class GEMMProviderTests: XCTestCase {
    override func tearDown() {
        GEMMProvider.current = GEMMProvider.standard
        super.tearDown()
    }

    func testOpenBLASAndOneDNNAgreeOnEveryTransposeLeadingDimensionAndScale() throws {
        guard NeuralNetBackend.isOneDNNAvailable else { throw XCTSkip("oneDNN is not loaded") }
        var g = SeededGenerator(seed: 7)
        // Sizes below and above the split threshold, with padded leading dimensions.
        for (m, n, k) in [(3, 5, 7), (64, 300, 96), (130, 1030, 70)] {
            for transA in [false, true] {
                for transB in [false, true] {
                    let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 1
                    let a = (0..<((transA ? k : m) * lda)).map { _ in Float.random(in: -1...1, using: &g) }
                    let b = (0..<((transB ? n : k) * ldb)).map { _ in Float.random(in: -1...1, using: &g) }
                    let c0 = (0..<(m * ldc)).map { _ in Float.random(in: -1...1, using: &g) }
                    var results: [[Float]] = []
                    for provider in GEMMProvider.allCases {
                        GEMMProvider.current = provider
                        var c = c0
                        c.withUnsafeMutableBufferPointer { cp in
                            sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.75, a, lda: lda, b, ldb: ldb,
                                  beta: 0.5, cp.baseAddress!, ldc: ldc)
                        }
                        results.append(c)
                    }
                    // The reference in Double, and both providers against it.
                    for i in 0..<m {
                        for j in 0..<ldc {
                            guard j < n else {
                                XCTAssertEqual(results[0][i * ldc + j], c0[i * ldc + j], "padding written")
                                XCTAssertEqual(results[1][i * ldc + j], c0[i * ldc + j], "padding written")
                                continue
                            }
                            var sum = 0.0
                            for p in 0..<k {
                                let x = transA ? a[p * lda + i] : a[i * lda + p], y = transB ? b[j * ldb + p] : b[p * ldb + j]
                                sum += Double(x) * Double(y)
                            }
                            let expected = 0.75 * sum + 0.5 * Double(c0[i * ldc + j])
                            for (provider, r) in zip(GEMMProvider.allCases, results) {
                                XCTAssertEqual(Double(r[i * ldc + j]), expected, accuracy: 1e-4 * Double(k).squareRoot() + 1e-5,
                                               "\(provider) \(m)×\(n)×\(k) transA \(transA) transB \(transB) at (\(i), \(j))")
                            }
                        }
                    }
                }
            }
        }
    }

    func testAnEmptyProductScalesCOnEitherProvider() {
        for provider in GEMMProvider.allCases where provider == .openblas || NeuralNetBackend.isOneDNNAvailable {
            GEMMProvider.current = provider
            var c: [Float] = [1, 2, 3, 4, 5, 6]
            let none: [Float] = [0]
            c.withUnsafeMutableBufferPointer { cp in
                sgemm(transA: false, transB: false, m: 2, n: 3, k: 0, none, none, beta: 0.5, cp.baseAddress!)
            }
            XCTAssertEqual(c, [0.5, 1, 1.5, 2, 2.5, 3], "\(provider)")
        }
    }

    func testTheProviderIsReadFromTheEnvironment() {
        XCTAssertEqual(GEMMProvider.fromEnvironment(["NODULEKIT_GEMM": "OpenBLAS"]), .openblas)
        XCTAssertEqual(GEMMProvider.fromEnvironment([:]), GEMMProvider.standard)
        XCTAssertEqual(GEMMProvider.fromEnvironment(["NODULEKIT_GEMM": "cublas"]), GEMMProvider.standard)
        if NeuralNetBackend.isOneDNNAvailable {
            XCTAssertEqual(GEMMProvider.fromEnvironment(["NODULEKIT_GEMM": "onednn"]), .onednn)
        }
    }
}
