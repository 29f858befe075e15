#if MILLRACE_LIBFUZZER
// Built by scripts/fuzz.sh with -sanitize=fuzzer,address: libFuzzer supplies `main` and calls
// this for every input it generates.
import CDC
import Glibc

/// The target of this run (`MILLRACE_FUZZ_TARGET`, default `decoder`), confined to
/// libFuzzer's single fuzzing thread like the state below.
private let fuzzTargetName: FuzzTargetName = {
    guard let name = getenv("MILLRACE_FUZZ_TARGET").map({ String(cString: $0) }) else { return .decoder }
    guard let target = FuzzTargetName(rawValue: name) else {
        fatalError("MILLRACE_FUZZ_TARGET=\(name): expected one of \(FuzzTargetName.allCases.map(\.rawValue))")
    }
    return target
}()
nonisolated(unsafe) private var fuzzDecoder: ChangeDecoder? = fuzzTargetName == .decoder ? FuzzTarget.makeDecoder() : nil
nonisolated(unsafe) private var fuzzTally = FuzzTarget.Tally()
nonisolated(unsafe) private var fuzzParseTally = ParseTally()

/// libFuzzer's entry point: runs one input through the chosen target, which checks the outcome.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    switch fuzzTargetName {
    case .decoder:
        guard let decoder = fuzzDecoder else { fatalError("the fuzz catalogs did not load: run from the checkout") }
        FuzzTarget.run(input, decoder: decoder, tally: &fuzzTally)
    case .parquet: ParquetFuzzTarget.run(input, tally: &fuzzParseTally)
    case .config: ConfigFuzzTarget.run(input, tally: &fuzzParseTally)
    case .commitRecord: CommitRecordFuzzTarget.run(input, tally: &fuzzParseTally)
    }
    return 0
}

/// libFuzzer's driver (compiler-rt FuzzerDriver.cpp).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links executables with `main` aliased to `<module>_main`, so the entry point is
/// this symbol rather than libFuzzer's own `main`; it hands over to libFuzzer's driver.
@_cdecl("MillraceFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzTestOneInput(data, size) }
}
#else
import CDC
import Foundation

/// Without libFuzzer: replays a corpus (files, or folders of files; by default the target's
/// committed seed corpus) through the same entry points, so every input's invariants are
/// checked (each target traps on a broken one). `FuzzCorpusReplayTests` runs it over the
/// committed corpora in `make test`; `swift run MillraceFuzz [--target NAME] [PATH…]` replays by
/// hand; `make fuzz` (the libFuzzer build) replays the committed corpus, then fuzzes for a
/// bounded time.
@main
struct FuzzReplay {
    static func main() throws {
        let root = String(#filePath.dropLast("Sources/MillraceFuzz/Entry.swift".count))
        var arguments = Array(CommandLine.arguments.dropFirst())
        var target = FuzzTargetName.decoder
        if arguments.first == "--target" {
            guard arguments.count >= 2, let named = FuzzTargetName(rawValue: arguments[1]) else {
                FileHandle.standardError.write(Data("millrace-fuzz: --target takes one of \(FuzzTargetName.allCases.map(\.rawValue))\n".utf8))
                exit(2)
            }
            target = named
            arguments.removeFirst(2)
        }
        let paths = arguments.isEmpty ? [root + "Tests/Fixtures/" + target.corpus] : arguments
        var decoder: ChangeDecoder?
        if target == .decoder {
            decoder = FuzzTarget.makeDecoder()
            guard decoder != nil else {
                FileHandle.standardError.write(Data("millrace-fuzz: cannot load Schemas/ and the golden catalog\n".utf8))
                exit(2)
            }
        }
        var tally = FuzzTarget.Tally()
        var parsed = ParseTally()
        var inputs = 0
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            let files = isDirectory.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 } : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                data.withUnsafeBytes { input in
                    switch target {
                    case .decoder: if let decoder { FuzzTarget.run(input, decoder: decoder, tally: &tally) }
                    case .parquet: ParquetFuzzTarget.run(input, tally: &parsed)
                    case .config: ConfigFuzzTarget.run(input, tally: &parsed)
                    case .commitRecord: CommitRecordFuzzTarget.run(input, tally: &parsed)
                    }
                }
                inputs += 1
            }
        }
        if target == .decoder {
            print(
                "replayed \(inputs) inputs: \(tally.rows) rows, \(tally.heartbeats) heartbeats, \(tally.deadLetters) dead letters, \(tally.empty) empty"
            )
        } else {
            print("replayed \(inputs) \(target.rawValue) inputs: \(parsed.accepted) accepted, \(parsed.refused) refused")
        }
    }
}
#endif
