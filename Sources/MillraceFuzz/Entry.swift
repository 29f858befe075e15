#if MILLRACE_LIBFUZZER
// Built by scripts/fuzz.sh with -sanitize=fuzzer,address: libFuzzer supplies `main` and calls
// this for every input it generates.
import CDC

/// The decoder, confined to libFuzzer's single fuzzing thread.
nonisolated(unsafe) private var fuzzDecoder: ChangeDecoder? = FuzzTarget.makeDecoder()
nonisolated(unsafe) private var fuzzTally = FuzzTarget.Tally()

/// libFuzzer's entry point: decodes one input as every kind of record and checks the outcome.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let decoder = fuzzDecoder else { fatalError("the fuzz catalogs did not load: run from the checkout") }
    FuzzTarget.run(UnsafeRawBufferPointer(start: data, count: size), decoder: decoder, tally: &fuzzTally)
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

/// Without libFuzzer: replays a corpus (files, or folders of files; by default the committed
/// seed corpus) through the same entry point, so every input's invariants are checked
/// (`FuzzTarget.run` traps on a broken one). `FuzzCorpusReplayTests` runs it over the committed
/// corpus in `make test`; `swift run MillraceFuzz [PATH…]` replays by hand; `make fuzz` (the
/// libFuzzer build) replays the committed corpus, then fuzzes for a bounded time.
@main
struct FuzzReplay {
    static func main() throws {
        let root = String(#filePath.dropLast("Sources/MillraceFuzz/Entry.swift".count))
        let arguments = Array(CommandLine.arguments.dropFirst())
        let paths = arguments.isEmpty ? [root + "Tests/Fixtures/fuzz-corpus"] : arguments
        guard let decoder = FuzzTarget.makeDecoder() else {
            FileHandle.standardError.write(Data("millrace-fuzz: cannot load Schemas/ and the golden catalog\n".utf8))
            exit(2)
        }
        var tally = FuzzTarget.Tally()
        var inputs = 0
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            let files = isDirectory.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 } : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                data.withUnsafeBytes { FuzzTarget.run($0, decoder: decoder, tally: &tally) }
                inputs += 1
            }
        }
        print(
            "replayed \(inputs) inputs: \(tally.rows) rows, \(tally.heartbeats) heartbeats, \(tally.deadLetters) dead letters, \(tally.empty) empty"
        )
    }
}
#endif
