import CostLedger
import Foundation
import Reports

/// Collects rejections for the ingest summary without holding millions of them in memory:
/// past a few MiB the JSON fragments go to an unlinked temporary file.
final class RejectionSpool {
    private var buffer: [UInt8] = []
    private var overflow: FileHandle?
    private var count = 0
    private let memoryLimit = 4 << 20

    func add(_ rejection: IngestRejection) {
        var object = JSONObjectWriter(into: count == 0 ? [] : [UInt8(ascii: ",")])
        object.string("file", rejection.file)
        object.integer("line", rejection.line)
        if let id = rejection.error.eventID { object.string("id", id) }
        object.string("error", rejection.error.code.rawValue)
        object.string("message", rejection.error.message)
        buffer.append(contentsOf: object.finish())
        count += 1
        if buffer.count > memoryLimit { spill() }
    }

    private func spill() {
        if overflow == nil, let file = tmpfile() {
            overflow = FileHandle(fileDescriptor: fileno(file), closeOnDealloc: false)
        }
        guard let overflow else { return }
        overflow.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// Prints `{"accepted":N,"duplicates":N,"late":N,"rejected":[…]}` and a newline on standard output.
    func printSummary(_ totals: IngestTotals) throws {
        let output = OutputFile.standardOutput()
        try output.write(#"{"accepted":\#(totals.accepted),"duplicates":\#(totals.duplicates),"late":\#(totals.late),"rejected":["#)
        if let overflow {
            overflow.seek(toFileOffset: 0)
            while let chunk = try overflow.read(upToCount: 1 << 20), !chunk.isEmpty {
                try output.write([UInt8](chunk))
            }
        }
        try output.write(buffer)
        try output.write("]}\n")
        try output.commit()
    }
}
