/// A decoding step failed: the reason, and a message built only on this cold path.
/// Thrown with typed throws inside the decoder, so the successful path pays nothing for it.
struct DecodeFailure: Error {
    var reason: DeadLetterReason
    var message: String

    init(_ reason: DeadLetterReason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}
