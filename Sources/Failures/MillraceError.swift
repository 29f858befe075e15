/// A stable identifier of one kind of failure of one layer's error type (`Layer`), named like a
/// Swift case (`corruptFile`). Each layer declares its codes as static members of
/// `ErrorCode<ItsError>`; callers match codes, never messages.
public struct ErrorCode<Layer>: Sendable, Hashable, CustomStringConvertible {
    /// The code's name, as logs and metric labels show it.
    public let name: String

    /// The code named `name`.
    public init(_ name: String) {
        self.name = name
    }

    public var description: String { name }
}

/// What every layer's one error type is: a stable code to match, a message for people (naming
/// what failed and what to do; never a secret), the error it wraps, and whether a retry may
/// succeed. The text forms are shared, so every error reads the same way.
public protocol MillraceError: Error, Sendable, CustomStringConvertible {
    /// The type of the error's codes.
    associatedtype Code: Hashable & Sendable & CustomStringConvertible
    /// What kind of failure this is.
    var code: Code { get }
    /// What happened, for people.
    var message: String { get }
    /// The error this one wraps, if any.
    var underlying: (any Error & Sendable)? { get }
    /// Whether retrying the operation may succeed.
    var isRetriable: Bool { get }
}

extension MillraceError {
    /// False unless the type says otherwise.
    public var isRetriable: Bool { false }

    /// The message, then what caused it when the message does not say so already: what a person
    /// reads (`millrace: …`), free of code names.
    public var explanation: String {
        guard let underlying else { return message }
        let cause = (underlying as? any MillraceError)?.explanation ?? "\(underlying)"
        return cause.isEmpty || message.contains(cause) ? message : "\(message) (caused by: \(cause))"
    }

    /// `code: message`, then the cause (`caused by: …`) when the message does not include it.
    public var description: String { "\(code): \(explanation)" }
}
