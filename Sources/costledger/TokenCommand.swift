import ArgumentParser
import CSVCodec
import Foundation
import Server

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage the HTTP API's bearer tokens.",
        subcommands: [AddToken.self]
    )

    struct AddToken: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Create a token: prints it once, stores only its SHA-256 in the tokens file.",
            discussion: "Roles: ingest (POST /v1/events), finance (the read routes), admin (both)."
        )

        @Argument(help: "Who or what the token is for, e.g. ai-agent-worker.")
        var name: String

        @Option(help: "ingest, finance or admin.")
        var role: String

        @Option(help: "Tenants the token may use, ';'- or ','-separated, or '*' for all.")
        var tenants = "*"

        @Option(help: "The tokens file (created with its header when missing).")
        var tokens = "config/tokens.csv"

        func run() throws {
            guard let role = Role(rawValue: role) else { throw CLIError.usage("--role must be ingest, finance or admin") }
            guard !name.isEmpty, !name.contains(where: { $0 == "\n" || $0 == "\r" }) else { throw CLIError.usage("the name must be one line") }
            var tenantSet: Set<String>?
            if tenants != "*" {
                tenantSet = Set(tenants.split(whereSeparator: { $0 == ";" || $0 == "," }).map(String.init))
            }
            if FileManager.default.fileExists(atPath: tokens) {
                do {
                    _ = try TokenRegistry(contentsOf: tokens)
                } catch {
                    throw CLIError.usage(error.description)
                }
            }
            let (token, row) = TokenRegistry.issue(name: name, role: role, tenants: tenantSet)
            var writer = CSVWriter()
            if !FileManager.default.fileExists(atPath: tokens) {
                try? FileManager.default.createDirectory(
                    atPath: (tokens as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                writer.writeRecord(TokenRegistry.columns)
            }
            writer.writeRecord([row.sha256, row.name, row.role.rawValue, row.tenants.map { $0.sorted().joined(separator: ";") } ?? "*"])
            guard let handle = FileHandle(forWritingAtPath: tokens) ?? createFile(tokens) else {
                throw CLIError.usage("cannot write \(tokens)")
            }
            handle.seekToEndOfFile()
            handle.write(Data(writer.bytes))
            try handle.synchronize()
            try handle.close()
            print(token)
            FileHandle.standardError.write(Data("costledger: token for \(name) (\(role.rawValue)) added to \(tokens); it is shown only now\n".utf8))
        }

        /// Creates the tokens file readable by its owner only; nil when it cannot be created.
        private func createFile(_ path: String) -> FileHandle? {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else { return nil }
            return FileHandle(forWritingAtPath: path)
        }
    }
}
