import Foundation
import TestSupport
import Testing

/// CONTRACT §16, "input at the edges", through `costledger ingest`.
@Suite("costledger ingest: input at the edges")
struct EdgeInputCLITests {
    let directory: TemporaryDirectory
    var common: [String] { ["--db", directory.file("ledger.sqlite"), "--pricing", Repository.pricing] }

    init() throws {
        directory = try TemporaryDirectory()
    }

    static let event =
        #"{"id":"d1","kind":"api","timestamp":"2026-10-24T10:16:00Z","tenant_id":"acme","worker":"w","operation":"o","service":"s","status":"success"}"#

    @Test("a UTF-8 byte-order mark opening an NDJSON file or standard input is ignored: the first event is kept")
    func byteOrderMark() throws {
        defer { directory.remove() }
        let file = try directory.write("events.ndjson", "\u{FEFF}" + IngestExportCLITests.events)
        let ingest = try runCostLedger(["ingest"] + common + [file])
        #expect(ingest.exitCode == 0)
        #expect(ingest.stdout == #"{"accepted":4,"duplicates":0,"late":0,"rejected":[]}"# + "\n")
        let stdin = try runCostLedger(["ingest"] + common + ["-"], stdin: "\u{FEFF}" + IngestExportCLITests.events)
        #expect(stdin.stdout == #"{"accepted":0,"duplicates":4,"late":0,"rejected":[]}"# + "\n")
        // Only at the start of the input: elsewhere it is not JSON.
        let inside = try runCostLedger(["ingest"] + common + ["-"], stdin: Self.event + "\n\u{FEFF}" + Self.event + "\n")
        #expect(inside.exitCode == 1)
        #expect(
            inside.stdout
                == #"{"accepted":1,"duplicates":0,"late":0,"rejected":[{"file":"-","line":2,"error":"invalid_json","message":"not JSON: unexpected character at byte 0"}]}"#
                + "\n")
    }

    @Test("a key given twice in one object, at any depth and however escaped, is invalid_value naming the key")
    func duplicateKeys() throws {
        defer { directory.remove() }
        let lines = [
            Self.event.replacingOccurrences(of: "}", with: #","tenant_id":"globex"}"#),
            Self.event.replacingOccurrences(of: #""tenant_id":"acme""#, with: #""tenant_id":"acme","tenant\u005fid":"globex""#),
            Self.event.replacingOccurrences(of: "}", with: #","meta":{"a":1,"b":{"a":2},"a":3}}"#),
            Self.event.replacingOccurrences(of: "}", with: #","note":1,"note":2}"#),
            Self.event.replacingOccurrences(of: #""id":"d1""#, with: #""id":"d1","id":"d2""#),
        ]
        let ingest = try runCostLedger(["ingest"] + common + ["-"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(ingest.exitCode == 1)
        let rejected = [
            #"{"file":"-","line":1,"id":"d1","error":"invalid_value","message":"the key \"tenant_id\" is given twice in one object"}"#,
            #"{"file":"-","line":2,"id":"d1","error":"invalid_value","message":"the key \"tenant_id\" is given twice in one object"}"#,
            #"{"file":"-","line":3,"id":"d1","error":"invalid_value","message":"the key \"a\" is given twice in one object"}"#,
            #"{"file":"-","line":4,"id":"d1","error":"invalid_value","message":"the key \"note\" is given twice in one object"}"#,
            #"{"file":"-","line":5,"error":"invalid_value","message":"the key \"id\" is given twice in one object"}"#,
        ]
        #expect(ingest.stdout == #"{"accepted":0,"duplicates":0,"late":0,"rejected":["# + rejected.joined(separator: ",") + "]}\n")
        // The same key in two different objects is no duplicate.
        let nested = Self.event.replacingOccurrences(of: "}", with: #","meta":{"id":"x","a":{"id":"y"}}}"#)
        #expect(try runCostLedger(["ingest"] + common + ["-"], stdin: nested + "\n").stdout == #"{"accepted":1,"duplicates":0,"late":0,"rejected":[]}"# + "\n")
    }

    @Test("id_conflict names no sequence number of the stored event")
    func idConflictMessage() throws {
        defer { directory.remove() }
        _ = try runCostLedger(["ingest"] + common + ["-"], stdin: Self.event + "\n")
        let other = Self.event.replacingOccurrences(of: #""tenant_id":"acme""#, with: #""tenant_id":"globex""#)
        let ingest = try runCostLedger(["ingest"] + common + ["-"], stdin: other + "\n")
        #expect(ingest.exitCode == 1)
        #expect(
            ingest.stdout
                == #"{"accepted":0,"duplicates":0,"late":0,"rejected":[{"file":"-","line":1,"id":"d1","error":"id_conflict","message":"id d1 is already in the ledger with different content"}]}"#
                + "\n")
    }
}
