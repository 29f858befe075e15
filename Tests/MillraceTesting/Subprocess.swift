public import Foundation

/// The outcome of a finished child process.
public struct ProcessResult: Sendable {
    /// Exit status.
    public var status: Int32
    /// Everything written to standard output.
    public var stdout: Data
    /// Everything written to standard error, as text.
    public var stderr: String

    /// Standard output as UTF-8 text.
    public var output: String { String(decoding: stdout, as: UTF8.self) }
}

/// A child process failed; the message carries its status and standard error.
public struct ProcessFailed: Error, CustomStringConvertible {
    /// The command line.
    public var command: [String]
    /// The result it produced.
    public var result: ProcessResult

    public var description: String {
        "`\(command.joined(separator: " "))` exited \(result.status): \(result.stderr.suffix(4000))"
    }
}

/// Runs programs for tests: Python oracles, kcat, the millrace binary.
///
/// Every call waits for its child on a thread of its own, never on Swift's cooperative pool:
/// the suite runs tests in parallel on a pool as wide as the machine has cores (two in CI),
/// and a test blocked on a minute-long child would stall every other test's `await`s,
/// turning their deadlines into spurious failures.
public enum Subprocess {
    /// Runs `arguments` (resolved through PATH) with `input` on standard input, in
    /// `currentDirectory` (nil: this process's), and waits. Throws `ProcessFailed` on a non-zero
    /// exit unless `check` is false.
    @discardableResult
    public static func run(
        _ arguments: [String],
        input: Data? = nil,
        environment: [String: String]? = nil,
        check: Bool = true,
        currentDirectory: URL? = nil
    ) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    try runBlocking(arguments, input: input, environment: environment, check: check, currentDirectory: currentDirectory)
                })
            }.start()
        }
    }

    /// `run`'s body, on the calling thread.
    private static func runBlocking(
        _ arguments: [String],
        input: Data?,
        environment: [String: String]?,
        check: Bool,
        currentDirectory: URL?
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = currentDirectory
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            outData = stdout.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errData = stderr.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if let input {
            try? stdin.fileHandleForWriting.write(contentsOf: input)
        }
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        let result = ProcessResult(
            status: process.terminationStatus,
            stdout: outData,
            stderr: String(decoding: errData, as: UTF8.self)
        )
        if check && result.status != 0 {
            throw ProcessFailed(command: arguments, result: result)
        }
        return result
    }

    /// Runs a Python 3 script given as text with `arguments`, returning its standard output.
    /// Used for the independent oracles: pyarrow, duckdb, botocore.
    public static func python(_ script: String, arguments: [String] = [], input: Data? = nil) async throws -> String {
        try await run(["python3", "-c", script] + arguments, input: input).output
    }
}

extension Subprocess {
    /// Runs curl with `arguments` and returns its standard output (HTTP checks in tests).
    public static func curl(_ arguments: [String]) async throws -> String {
        try await run(["curl", "--max-time", "10"] + arguments).output
    }
}
