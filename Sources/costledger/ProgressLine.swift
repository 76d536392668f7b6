import Foundation

/// Progress on standard error for long runs: a line every few seconds, nothing for short runs.
final class ProgressLine {
    private let verb: String
    private let enabled: Bool
    private let started = Date()
    private var lastPrinted = Date()
    private var printedAny = false

    init(verb: String, enabled: Bool) {
        self.verb = verb
        self.enabled = enabled
    }

    func update(_ text: String, count: Int) {
        guard enabled, Date().timeIntervalSince(lastPrinted) >= 2 else { return }
        lastPrinted = Date()
        printedAny = true
        emit(text, count: count)
    }

    /// The closing line, printed only when progress was shown.
    func finish(_ text: String, count: Int) {
        guard enabled, printedAny else { return }
        emit(text + " (done)", count: count)
    }

    private func emit(_ text: String, count: Int) {
        let seconds = max(Date().timeIntervalSince(started), 0.001)
        let rate = Int(Double(count) / seconds)
        FileHandle.standardError.write(Data("\(verb): \(text) — \(rate)/s\n".utf8))
    }
}
