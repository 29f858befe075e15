import Foundation

/// Writes a line to standard error (diagnostics stay off standard output, which carries data).
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
