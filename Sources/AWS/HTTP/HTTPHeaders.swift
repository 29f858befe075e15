/// An ordered list of HTTP header fields. Names compare case-insensitively; duplicates are kept
/// in order, as SigV4 needs them (AWS signing suite, `get-header-value-order`).
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// One header field.
    public struct Field: Sendable, Equatable {
        /// The name as given (case preserved for the wire).
        public var name: String
        /// The value as given.
        public var value: String
    }

    /// The fields in order.
    public private(set) var fields: [Field] = []

    /// No headers.
    public init() {}

    /// Headers from literal pairs, in order.
    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.equal($0.name, name) }?.value
    }

    /// Appends a field, keeping any earlier ones of the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field named `name` with one holding `value`, or removes them for nil.
    public mutating func set(_ name: String, _ value: String?) {
        if let index = fields.firstIndex(where: { Self.equal($0.name, name) }), let value {
            fields[index].value = value
            var seen = false
            fields.removeAll { field in
                guard Self.equal(field.name, name) else { return false }
                defer { seen = true }
                return seen
            }
            return
        }
        remove(name)
        if let value { add(name, value) }
    }

    /// Removes every field named `name`.
    public mutating func remove(_ name: String) {
        fields.removeAll { Self.equal($0.name, name) }
    }

    /// True when a field named `name` is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    static func equal(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.lowercased() == b.lowercased()
    }
}
