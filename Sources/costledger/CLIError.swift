import Foundation

/// An error to print as one line on stderr, with the exit code it means.
struct CLIError: Error {
    var message: String
    var exitCode: Int32

    /// Bad usage or an unreadable input: exit 2.
    static func usage(_ message: String) -> CLIError { CLIError(message: message, exitCode: 2) }
    /// The work ran but found problems: exit 1.
    static func problems(_ message: String) -> CLIError { CLIError(message: message, exitCode: 1) }
}

/// Writes one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data(("costledger: " + message + "\n").utf8))
}
