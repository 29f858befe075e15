import AWS
import ArgumentParser
import Foundation

/// `millrace-bench s3-upload`: uploads one file through the streaming writer (the engine's
/// path) or every file of a directory with concurrent PutObjects, and prints one JSON line
/// (`objects`, `bytes`, `seconds`). Credentials and region come from the standard AWS
/// environment; scripts/bench/bench_s3_upload.py runs it against moto beside `aws s3 cp`.
struct S3UploadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s3-upload",
        abstract: "Upload a file (streaming multipart writer) or a directory (concurrent PutObject) to S3."
    )

    @Option(help: "S3 endpoint URL, e.g. http://127.0.0.1:9000 (default: AWS_ENDPOINT_URL_S3 or AWS).")
    var endpoint: String?

    @Option(help: "Destination bucket.")
    var bucket: String

    @Option(help: "Key of the uploaded file, or key prefix of the directory's files.")
    var key: String = "bench"

    @Option(help: "A file to upload through the streaming writer.")
    var file: String?

    @Option(help: "A directory whose files are uploaded with concurrent PutObjects.")
    var directory: String?

    @Option(name: .customLong("part-size-mib"), help: "Part size in MiB (5 or more).")
    var partSizeMiB: Int = 8

    @Option(help: "Requests in flight: parts per writer, and concurrent PutObjects for a directory.")
    var concurrency: Int = 10

    @Option(help: "Bytes handed to each write() call when streaming a file.")
    var writeSize: Int = 1 << 20

    func validate() throws {
        guard (file == nil) != (directory == nil) else { throw ValidationError("give exactly one of --file and --directory") }
        guard partSizeMiB >= 5, concurrency >= 1, writeSize >= 1 else {
            throw ValidationError("--part-size-mib must be ≥ 5, --concurrency and --write-size ≥ 1")
        }
    }

    func run() async throws {
        var configuration = try S3Configuration(environment: AWSEnvironment())
        if let endpoint {
            guard let parsed = Endpoint(endpoint) else { throw ValidationError("--endpoint is not an http(s) URL") }
            configuration.endpoint = parsed
        }
        configuration.partSize = partSizeMiB << 20
        configuration.maxPartsInFlight = concurrency
        configuration.workerThreads = concurrency
        let client = try S3Client(configuration: configuration)
        let clock = ContinuousClock()
        let start = clock.now
        let (objects, bytes): (Int, Int64)
        if let file {
            bytes = try await streamFile(file, client: client)
            objects = 1
        } else {
            (objects, bytes) = try await uploadDirectory(directory ?? "", client: client)
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("{\"objects\": \(objects), \"bytes\": \(bytes), \"seconds\": \(seconds)}")
    }

    /// Reads the file in `writeSize` chunks into the streaming writer, on a dedicated thread.
    private func streamFile(_ path: String, client: S3Client) async throws -> Int64 {
        let (bucket, key, writeSize) = (bucket, key, writeSize)
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    guard let handle = FileHandle(forReadingAtPath: path) else { throw ValidationError("cannot open \(path)") }
                    defer { try? handle.close() }
                    let writer = client.makeWriter(bucket: bucket, key: key)
                    while let chunk = try handle.read(upToCount: writeSize), !chunk.isEmpty {
                        try chunk.withUnsafeBytes { try writer.write($0) }
                    }
                    return try writer.finish().size
                })
            }.start()
        }
    }

    /// Uploads every regular file of the directory, `concurrency` at a time.
    private func uploadDirectory(_ path: String, client: S3Client) async throws -> (Int, Int64) {
        let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        let (bucket, prefix, concurrency) = (bucket, key, concurrency)
        return try await withThrowingTaskGroup(of: Int64.self) { group in
            var next = 0
            var total: Int64 = 0
            func add() {
                let name = names[next]
                next += 1
                group.addTask {
                    try await client.putObject(bucket: bucket, key: "\(prefix)/\(name)", file: "\(path)/\(name)").size
                }
            }
            while next < min(concurrency, names.count) { add() }
            while let size = try await group.next() {
                total += size
                if next < names.count { add() }
            }
            return (names.count, total)
        }
    }
}
