public import Logging

/// Installs the process-wide log handler once, from the observability settings.
public enum LogSetup {
    /// Bootstraps swift-log (`json` or `text` at the configured level) and returns the worker's
    /// logger. Call once per process, before anything logs.
    public static func bootstrap(_ settings: ObservabilitySettings) -> Logger {
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = settings.logFormat == .json
                ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "millrace.worker")
    }
}
