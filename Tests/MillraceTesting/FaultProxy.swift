import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fault a `FaultProxy` can inject into one request.
public enum FaultKind: String, Sendable, CaseIterable {
    /// Answer `500 InternalError` without forwarding.
    case internalError
    /// Answer `503 SlowDown` without forwarding.
    case slowDown
    /// Reset the TCP connection: half the time before forwarding, half after the upstream
    /// acted on the request (so the client cannot know whether it took effect).
    case connectionReset
    /// Hold the request without answering for `stall`, then close: the client must time out.
    case stall
    /// Forward, then send only part of the response and close.
    case truncatedResponse
}

/// A loopback HTTP/1.1 proxy between a client and a real server (moto) that injects faults into
/// a configurable share of requests, reproducibly from a seed. Test support for the retry tests.
public final class FaultProxy: Sendable {
    /// What to inject and how often.
    public struct Configuration: Sendable {
        /// The upstream server, `http://127.0.0.1:PORT`.
        public var upstream: String
        /// The share of eligible requests that get a fault, 0...1.
        public var faultRate: Double
        /// The faults to choose from, uniformly.
        public var kinds: [FaultKind]
        /// Seed of the fault choices.
        public var seed: UInt64
        /// How long a stalled request is held before the proxy closes it.
        public var stall: Duration
        /// Which requests may be faulted, delayed and counted (all by default); asked once per
        /// request, so it may keep state (e.g. pick only the first of some kind).
        public var isEligible: @Sendable (HTTPStubMessage) -> Bool
        /// How long an eligible request that gets no fault is held before it is forwarded, so
        /// tests can see how many such requests a client keeps in flight. Default: none.
        public var delay: Duration

        /// A configuration; every fault kind, 3 s stalls, every request eligible, no delay by
        /// default.
        public init(
            upstream: String, faultRate: Double, kinds: [FaultKind] = FaultKind.allCases, seed: UInt64 = 1,
            stall: Duration = .seconds(3), delay: Duration = .zero,
            isEligible: @escaping @Sendable (HTTPStubMessage) -> Bool = { _ in true }
        ) {
            self.upstream = upstream
            self.faultRate = faultRate
            self.kinds = kinds
            self.seed = seed
            self.stall = stall
            self.delay = delay
            self.isEligible = isEligible
        }
    }

    /// The port the proxy listens on, on 127.0.0.1.
    public let port: Int
    private let listener: Int32
    private let state: FaultProxyState

    /// Starts the proxy.
    public init(_ configuration: Configuration) throws {
        guard let upstreamPort = configuration.upstream.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw HTTPStubError("FaultProxy: the upstream must be http://127.0.0.1:PORT, not \(configuration.upstream)")
        }
        let (listener, port) = try HTTPStubWire.listen()
        self.listener = listener
        self.port = port
        let state = FaultProxyState(configuration: configuration, upstreamPort: upstreamPort)
        self.state = state
        HTTPStubWire.acceptLoop(listener) { state.serve($0) }
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Requests seen so far.
    public var requestCount: Int { state.counters.withLock { $0.requests } }

    /// Faults injected so far, by kind.
    public var faults: [FaultKind: Int] { state.counters.withLock { $0.faults } }

    /// Eligible requests forwarded without a fault so far.
    public var forwardedEligible: Int { state.counters.withLock { $0.forwardedEligible } }

    /// The most eligible requests that were being held or forwarded (without a fault) at the
    /// same time: how many such requests the client had in flight at its peak.
    public var peakEligibleInFlight: Int { state.counters.withLock { $0.peakEligibleInFlight } }

    /// Stops accepting connections. Idempotent.
    public func stop() {
        guard state.stopped.withLock({ (stopped: inout Bool) -> Bool in
            defer { stopped = true }
            return !stopped
        }) else { return }
        HTTPStubWire.stopListening(listener)
    }
}

/// The proxy's configuration and counters, shared with its connection threads.
final class FaultProxyState: Sendable {
    struct Counters {
        var requests = 0
        var faults: [FaultKind: Int] = [:]
        var random: UInt64
        var forwardedEligible = 0
        var eligibleInFlight = 0
        var peakEligibleInFlight = 0
    }

    let configuration: FaultProxy.Configuration
    let upstreamPort: Int
    let counters: Mutex<Counters>
    let stopped = Mutex(false)

    init(configuration: FaultProxy.Configuration, upstreamPort: Int) {
        self.configuration = configuration
        self.upstreamPort = upstreamPort
        counters = Mutex(Counters(random: configuration.seed))
    }

    /// Serves one client connection until it closes or a fault ends it.
    func serve(_ client: Int32) {
        let reader = HTTPStubReader(descriptor: client)
        while let request = reader.message() {
            let (eligible, fault) = decide(request)
            switch fault {
            case .internalError?:
                guard HTTPStubWire.send(client, errorResponse(500, "InternalError", "We encountered an internal error. Please try again.")) else { break }
                continue
            case .slowDown?:
                guard HTTPStubWire.send(client, errorResponse(503, "SlowDown", "Please reduce your request rate.")) else { break }
                continue
            case .stall?:
                let (seconds, attoseconds) = configuration.stall.components
                usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
                close(client)
                return
            case .connectionReset?:
                if coin() { _ = forward(request) }
                HTTPStubWire.reset(client)
                return
            case .truncatedResponse?:
                guard let response = forward(request) else { break }
                let bytes = response.serialized(keepFraming: request.method == "HEAD")
                let headLength = bytes.count - response.body.count
                let cut = response.body.isEmpty ? headLength / 2 : headLength + response.body.count / 2
                HTTPStubWire.send(client, Array(bytes[0..<cut]))
                close(client)
                return
            case nil:
                guard let response = eligible ? forwardEligible(request) : forward(request),
                    HTTPStubWire.send(client, response.serialized(keepFraming: request.method == "HEAD"))
                else { break }
                if response.header("Connection")?.lowercased() == "close" { break }
                continue
            }
            break
        }
        close(client)
    }

    /// Forwards an eligible request after the configured delay, counting it as in flight from
    /// its arrival to the end of its response.
    private func forwardEligible(_ request: HTTPStubMessage) -> HTTPStubMessage? {
        counters.withLock { counters in
            counters.forwardedEligible += 1
            counters.eligibleInFlight += 1
            counters.peakEligibleInFlight = max(counters.peakEligibleInFlight, counters.eligibleInFlight)
        }
        defer { counters.withLock { $0.eligibleInFlight -= 1 } }
        let (seconds, attoseconds) = configuration.delay.components
        if seconds > 0 || attoseconds > 0 { usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)) }
        return forward(request)
    }

    /// Sends `request` upstream on a fresh connection and reads the whole response.
    private func forward(_ request: HTTPStubMessage) -> HTTPStubMessage? {
        guard let upstream = try? HTTPStubWire.connect(port: upstreamPort) else { return nil }
        defer { close(upstream) }
        var outgoing = request
        outgoing.headers.removeAll { $0.0.lowercased() == "connection" }
        outgoing.headers.append(("Connection", "close"))
        guard HTTPStubWire.send(upstream, outgoing.serialized()) else { return nil }
        return HTTPStubReader(descriptor: upstream).message(bodyless: request.method == "HEAD")
    }

    /// Whether `request` is eligible (asked once per request), and the fault it gets, if any.
    private func decide(_ request: HTTPStubMessage) -> (eligible: Bool, fault: FaultKind?) {
        let eligible = configuration.isEligible(request)
        let fault = counters.withLock { counters -> FaultKind? in
            counters.requests += 1
            guard eligible, !configuration.kinds.isEmpty else { return nil }
            let draw = Double(Self.next(&counters.random) >> 11) / Double(1 << 53)
            guard draw < configuration.faultRate else { return nil }
            let kind = configuration.kinds[Int(Self.next(&counters.random) % UInt64(configuration.kinds.count))]
            counters.faults[kind, default: 0] += 1
            return kind
        }
        return (eligible, fault)
    }

    private func coin() -> Bool {
        counters.withLock { Self.next(&$0.random) & 1 == 0 }
    }

    /// SplitMix64: small, seedable, good enough to spread faults.
    private static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private func errorResponse(_ status: Int, _ code: String, _ message: String) -> [UInt8] {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)</Message><RequestId>fault-proxy</RequestId></Error>"
        return HTTPStubMessage(
            startLine: "HTTP/1.1 \(status) Fault", headers: [("Content-Type", "application/xml")], body: Array(body.utf8)
        ).serialized()
    }
}
