import ArgumentParser
import CSVCodec
import Foundation
import Reports
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
            discussion: "Roles: ingest (POST /v1/events and /v1/traces), finance (the read routes), admin (both)."
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
            var tenantSet: Set<String>?
            if tenants != "*" {
                tenantSet = Set(tenants.split(whereSeparator: { $0 == ";" || $0 == "," }).map(String.init))
            }
            let (token, row) = TokenRegistry.issue(name: name, role: role, tenants: tenantSet)
            // The file as it will be, read back exactly as serve reads it: a row serve would refuse is never written.
            var bytes: [UInt8]
            var writer = CSVWriter()
            if FileManager.default.fileExists(atPath: tokens) {
                do {
                    _ = try TokenRegistry(contentsOf: tokens)
                } catch {
                    throw CLIError.usage(error.description)
                }
                guard let existing = readWholeFile(tokens) else { throw CLIError.usage("cannot read \(tokens)") }
                bytes = existing
                if let last = bytes.last, last != 0x0A { bytes.append(0x0A) }
            } else {
                bytes = []
                writer.writeRecord(TokenRegistry.columns)
            }
            writer.writeRecord(row.row)
            bytes += writer.bytes
            do {
                _ = try TokenRegistry(csv: bytes, source: tokens)
            } catch {
                throw CLIError.usage("not added: serve would refuse the row for \(name) in \(tokens): \(error.message)")
            }
            let directory = (tokens as NSString).deletingLastPathComponent
            if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            // A temporary file renamed into place: an error leaves the old file as it was.
            let output = try OutputFile(atomicPath: tokens, permissions: 0o600)
            output.keepOwnership(of: tokens)
            try output.write(bytes)
            try output.commit()
            print(token)
            printError("token for \(name) (\(role.rawValue)) added to \(tokens); it is shown only now")
        }
    }
}
