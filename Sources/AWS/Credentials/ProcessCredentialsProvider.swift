import Foundation
import Synchronization

/// A profile's `credential_process`: runs the configured command and reads the credentials it
/// prints (AWS CLI User Guide, "Sourcing credentials with an external process",
/// https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html, and
/// the SDKs and Tools Reference Guide, "Process credentials").
///
/// The command is split as a shell would split it (no shell runs it): double or single quotes
/// keep spaces, a backslash escapes the next character. A bare program name is looked up on
/// `PATH`. It must exit 0 and print one JSON object: `Version` 1, `AccessKeyId`,
/// `SecretAccessKey`, optionally `SessionToken` and `Expiration` (ISO 8601). With an expiration
/// the credentials are temporary and `CachingCredentialsProvider` runs the command again before
/// they expire; without one they are long-term. Errors quote the command's standard error (the
/// documentation asks tools never to write secrets there), never its output.
public struct ProcessCredentialsProvider: CredentialsProvider {
    /// `process`.
    public var name: String { "process" }
    /// The command line, as written in the profile.
    public let command: String
    private let environment: [String: String]
    private let timeout: Duration

    /// A provider running `command` with `environment` (the variables it inherits, `PATH`
    /// included), stopped after `timeout`.
    public init(command: String, environment: [String: String], timeout: Duration = .seconds(60)) {
        self.command = command
        self.environment = environment
        self.timeout = timeout
    }

    /// Runs the command and parses what it prints.
    public func load() throws(AWSError) -> AWSCredentials? {
        let arguments = Self.split(command)
        guard let program = arguments.first, let executable = Self.resolve(program, path: environment["PATH"]) else {
            throw AWSError(.credentialsUnavailable, "credential_process: cannot find the program of \"\(command)\"")
        }
        let (status, output, errors) = try run(executable, Array(arguments.dropFirst()))
        guard status == 0 else {
            let detail = errors.split(whereSeparator: \.isNewline).first.map { ": \($0.prefix(300))" } ?? ""
            throw AWSError(.credentialsUnavailable, "credential_process \(program) exited with status \(status)\(detail)")
        }
        return try Self.parse(output, program: program)
    }

    /// The credentials in a process's output (Version 1).
    static func parse(_ output: [UInt8], program: String) throws(AWSError) -> AWSCredentials {
        guard let object = try? JSONSerialization.jsonObject(with: Data(output)) as? [String: Any] else {
            throw AWSError(.credentialsUnavailable, "credential_process \(program) did not print a JSON object")
        }
        guard (object["Version"] as? NSNumber)?.intValue == 1 else {
            throw AWSError(.credentialsUnavailable,
                "credential_process \(program) printed Version \(object["Version"].map { "\($0)" } ?? "(none)"); only Version 1 is supported")
        }
        guard let id = object["AccessKeyId"] as? String, !id.isEmpty else {
            throw AWSError(.credentialsUnavailable, "credential_process \(program) printed no AccessKeyId")
        }
        guard let secret = object["SecretAccessKey"] as? String, !secret.isEmpty else {
            throw AWSError(.credentialsUnavailable, "credential_process \(program) printed no SecretAccessKey")
        }
        var expiration: Date?
        if let text = object["Expiration"] as? String {
            guard let parsed = UTCTime.parseISO8601(text) else {
                throw AWSError(.credentialsUnavailable, "credential_process \(program) printed an Expiration that is not ISO 8601")
            }
            expiration = parsed
        }
        return AWSCredentials(
            accessKeyID: id, secretAccessKey: secret, sessionToken: object["SessionToken"] as? String, expiration: expiration,
            source: "process")
    }

    /// The words of a command line: quotes group, a backslash escapes (as botocore's shlex split).
    static func split(_ command: String) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in command {
            if escaped {
                word.append(character)
                escaped = false
            } else if character == "\\" && quote != "'" {
                escaped = true
                inWord = true
            } else if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else {
                word.append(character)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// `program` itself when it names a path, else the first executable of that name on `path`.
    static func resolve(_ program: String, path: String?) -> String? {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        for folder in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs the program to its end (or `timeout`), returning its status, output (at most 64 KiB
    /// kept) and error text.
    private func run(_ executable: String, _ arguments: [String]) throws(AWSError) -> (Int32, [UInt8], String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw AWSError(.credentialsUnavailable, "credential_process: cannot run \(executable): \(error.localizedDescription)")
        }
        // Standard error is drained on its own thread so a chatty program cannot block on a full pipe.
        let errorText = ErrorText()
        let drained = DispatchSemaphore(value: 0)
        Thread {
            errorText.set(errors.fileHandleForReading.readDataToEndOfFile())
            drained.signal()
        }.start()
        // The watchdog stops a program that outlives the timeout (its output pipe then closes).
        let finished = Atomic<Bool>(false)
        let deadline = ContinuousClock.now + timeout
        let pid = process.processIdentifier
        Thread {
            while !finished.load(ordering: .acquiring) {
                if ContinuousClock.now >= deadline {
                    kill(pid, SIGKILL)
                    return
                }
                usleep(10_000)
            }
        }.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        finished.store(true, ordering: .releasing)
        drained.wait()
        if process.terminationReason == .uncaughtSignal {
            throw AWSError(.credentialsUnavailable, "credential_process \(executable) was stopped (signal \(process.terminationStatus)) "
                + "after \(timeout) or by another process", isRetriable: true)
        }
        return (process.terminationStatus, Array(data.prefix(64 * 1024)), errorText.text)
    }
}

/// The standard error text of a credential process, handed from its reading thread.
private final class ErrorText: Sendable {
    private let data = Mutex(Data())

    func set(_ value: Data) { data.withLock { $0 = value } }

    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}
