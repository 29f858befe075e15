import Runtime

/// The configuration parser under fuzzing: every input is a configuration file's text. It must
/// either give a configuration that validates (again) or refuse the text with a
/// `RuntimeError` of code `.configuration` and a message. Anything else traps.
enum ConfigFuzzTarget {
    static func run(_ data: UnsafeRawBufferPointer, tally: inout ParseTally) {
        let text = String(decoding: data, as: UTF8.self)
        let configuration: WorkerConfiguration
        do {
            configuration = try ConfigurationLoader.parse(text, source: "fuzz.yaml")
        } catch let error as RuntimeError {
            precondition(error.code == .configuration && !error.message.isEmpty, "a bad configuration is a configuration error that says why")
            tally.refused += 1
            return
        } catch {
            preconditionFailure("the configuration parser throws RuntimeError only, not \(type(of: error)): \(error)")
        }
        do {
            try configuration.validate()
        } catch {
            preconditionFailure("a parsed configuration validates again: \(error)")
        }
        tally.accepted += 1
    }
}
