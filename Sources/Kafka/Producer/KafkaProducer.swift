import Dispatch
import Foundation
public import Logging
import Synchronization

/// A Kafka producer on librdkafka: idempotent by default, with awaited delivery reports.
///
/// Two ways to produce:
/// - `send` (one record or a batch) enqueues on the producer's own dispatch queue and awaits
///   every delivery report: for the dead-letter topic, where each record must be known stored.
/// - `enqueue` is synchronous fire-and-forget for bulk producers (the load generator) on a
///   dedicated thread; `flush` then waits for everything and reports failures as one error.
///
/// Delivery reports are served by a dedicated poll thread. The transactional API (for
/// exactly-once dead letters) is in `KafkaProducer+Transactions.swift`.
public final class KafkaProducer: @unchecked Sendable {
    /// The configuration the producer was created with.
    public let configuration: KafkaProducerConfiguration
    /// Where the producer and librdkafka log.
    let logger: Logger
    /// The librdkafka handle.
    let client: RDKafkaClient
    /// Serial queue for blocking calls made on behalf of `async` callers.
    let executor: DispatchQueue
    private let topics: RDKafkaProducerTopics
    private let poller: ProducerPollThread
    private let tally: DeliveryTally
    private let closed = Mutex(false)

    /// Creates a producer and starts its delivery-report thread.
    ///
    /// - Throws: `KafkaError` with `.invalidArgument` when librdkafka rejects the configuration.
    public init(
        configuration: KafkaProducerConfiguration,
        logger: Logger = Logger(label: "millrace.kafka.producer"),
        statisticsHandler: (@Sendable (KafkaStatistics) -> Void)? = nil
    ) throws {
        let callbacks = RDKafkaCallbacks(
            logger: logger,
            statistics: KafkaStatistics.deliverer(to: statisticsHandler, logger: logger),
            oauthBearerTokenProvider: configuration.connection.oauthBearerTokenProvider,
            clientError: { error in
                if error.isFatal {
                    logger.error("Kafka producer fatal error", metadata: ["error": "\(error)"])
                } else {
                    logger.warning("Kafka producer error", metadata: ["error": "\(error)"])
                }
            }
        )
        let tally = DeliveryTally()
        callbacks.setDeliveryTarget { delivery in
            let error = delivery.code == .noError ? nil : KafkaError.deliveryFailed(delivery)
            if let opaque = delivery.opaque {
                DeliveryBatch.complete(
                    opaque: opaque,
                    with: KafkaDeliveryReport(topic: delivery.topic, partition: delivery.partition, offset: delivery.offset, error: error)
                )
            } else {
                tally.record(error)
            }
        }
        let client = try RDKafkaClient(kind: .producer, properties: configuration.properties, callbacks: callbacks)
        self.configuration = configuration
        self.logger = logger
        self.client = client
        self.tally = tally
        self.topics = RDKafkaProducerTopics(client: client)
        self.executor = DispatchQueue(label: "millrace.kafka.producer.\(client.name)")
        self.poller = ProducerPollThread(client: client)
    }

    deinit {
        poller.stop()
    }

    /// Enqueues `record` without waiting for its delivery; blocks the calling thread while the
    /// local queue is full (call it from a dedicated thread, never the cooperative pool). A
    /// failed delivery is counted and reported by the next `flush`.
    public func enqueue(_ record: KafkaProducerRecord) throws {
        try produce(record, opaque: nil)
    }

    /// Enqueues a record given as borrowed buffers, copied by librdkafka: the allocation-free
    /// form of `enqueue(_:)` for bulk producers. Blocks while the local queue is full.
    public func enqueue(
        topic: String,
        partition: Int32? = nil,
        key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?,
        timestampMs: Int64? = nil
    ) throws {
        try checkOpen()
        try topics.produce(
            topic: topic, partition: partition, key: key, value: value, headers: [],
            timestampMs: timestampMs, opaque: nil, blockWhenFull: true
        )
    }

    /// Produces `record` and waits until it is stored (or failed for good).
    /// - Throws: the delivery's `KafkaError` (e.g. `.messageTimedOut`, `.messageSizeTooLarge`).
    public func send(_ record: KafkaProducerRecord) async throws -> (partition: Int32, offset: Int64) {
        guard let report = try await send([record]).first else {
            throw KafkaError(.failure, "no delivery report for the record to \(record.topic)")
        }
        return try report.get()
    }

    /// Produces `records` in order and waits for every delivery report; reports are returned in
    /// the records' order, each with its own error (nothing is thrown for a failed delivery).
    public func send(_ records: [KafkaProducerRecord]) async throws -> [KafkaDeliveryReport] {
        try checkOpen()
        let batch = DeliveryBatch(count: records.count)
        return await batch.wait { [self] in
            executor.async {
                for (index, record) in records.enumerated() {
                    do {
                        try self.produce(record, opaque: batch.opaque(for: index))
                    } catch {
                        let failure = error as? KafkaError ?? KafkaError(.failure, "producing failed", underlying: error)
                        batch.record(index, KafkaDeliveryReport(topic: record.topic, partition: -1, offset: -1, error: failure))
                    }
                }
            }
        }
    }

    /// Waits up to `timeout` for every enqueued or sent record to be delivered, then reports
    /// fire-and-forget (`enqueue`) failures since the previous flush as one error.
    /// - Throws: `.timedOut` when records are still outstanding; otherwise the first failed
    ///   delivery's code, with the failure count in the message.
    public func flush(timeout: Duration) throws {
        try client.flush(timeoutMs: timeout.clampedMilliseconds)
        if let (failures, first) = tally.takeFailures() {
            throw KafkaError(first.code, "\(failures) enqueued record(s) were not delivered; first: \(first.message)", underlying: first)
        }
    }

    /// `flush(timeout:)` off the cooperative pool.
    public func flush(timeout: Duration) async throws {
        try await onExecutor { try self.flush(timeout: timeout) }
    }

    /// Records delivered through `enqueue` since the producer started.
    public var deliveredCount: Int { tally.delivered }

    /// Flushes for up to `closeFlushTimeoutMs`, purges what is still queued (those deliveries
    /// fail with `.purgedFromQueue` / `.purgedInFlight`), and stops the poll thread. Later
    /// calls do nothing.
    public func close() async {
        guard closed.withLock({ closed in defer { closed = true }; return !closed }) else { return }
        let timeoutMs = Int32(clamping: configuration.closeFlushTimeoutMs)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            executor.async { [self] in
                do {
                    try client.flush(timeoutMs: timeoutMs)
                } catch {
                    logger.warning("closing the producer with undelivered records; purging them", metadata: ["error": "\(error)"])
                    client.purge()
                    try? client.flush(timeoutMs: 1_000)
                }
                poller.stop()
                continuation.resume()
            }
        }
    }

    /// Runs `body` on the producer's queue and returns its result.
    func onExecutor<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            executor.async { continuation.resume(with: Result { try body() }) }
        }
    }

    private func produce(_ record: KafkaProducerRecord, opaque: UnsafeMutableRawPointer?) throws {
        try checkOpen()
        func withOptionalBytes<T>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) throws -> T) rethrows -> T {
            guard let bytes else { return try body(nil) }
            return try bytes.withUnsafeBytes { try body($0) }
        }
        try withOptionalBytes(record.key) { key in
            try withOptionalBytes(record.value) { value in
                try topics.produce(
                    topic: record.topic, partition: record.partition, key: key, value: value,
                    headers: record.headers, timestampMs: record.timestampMs, opaque: opaque, blockWhenFull: true
                )
            }
        }
    }

    private func checkOpen() throws {
        if closed.withLock({ $0 }) {
            throw KafkaError(.state, "the producer is closed")
        }
    }
}

/// Counts fire-and-forget deliveries and keeps the first failure until `flush` reports it.
final class DeliveryTally: Sendable {
    private let state = Mutex<(delivered: Int, failures: Int, first: KafkaError?)>((0, 0, nil))

    /// Counts one delivery report.
    func record(_ error: KafkaError?) {
        state.withLock { state in
            guard let error else {
                state.delivered += 1
                return
            }
            state.failures += 1
            if state.first == nil { state.first = error }
        }
    }

    /// Successful deliveries so far.
    var delivered: Int { state.withLock { $0.delivered } }

    /// The failures since the last call (count and first error), cleared; nil when none.
    func takeFailures() -> (Int, KafkaError)? {
        state.withLock { state in
            guard let first = state.first else { return nil }
            defer { state.failures = 0; state.first = nil }
            return (state.failures, first)
        }
    }
}

/// The thread that serves a producer's delivery reports (`rd_kafka_poll` in a loop).
final class ProducerPollThread: Sendable {
    private let running = Atomic<Bool>(true)
    private let finished = DispatchSemaphore(value: 0)

    init(client: RDKafkaClient) {
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) {
                client.poll(timeoutMs: 100)
            }
            finished.signal()
        }
        thread.name = "millrace.kafka.producer-poll"
        thread.start()
    }

    /// Stops the loop and waits for the thread to leave it (at most one poll timeout). Later
    /// calls return at once.
    func stop() {
        if running.exchange(false, ordering: .relaxed) {
            finished.wait()
        }
    }
}
