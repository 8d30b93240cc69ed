import Foundation
import ReproKit

/// Progress on stderr: one rewritten status line on a terminal (trial i/n, step, ETA), plain
/// lines at trial start and end otherwise (logs and CI stay readable).
public final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let interactive: Bool
    private let quiet: Bool
    private var total = 0
    private var done = 0
    private var started: [Int: (label: String, time: Date, step: RunContext.Progress?)] = [:]
    private var lastDraw = Date.distantPast

    public init(interactive: Bool = isatty(STDERR_FILENO) == 1, quiet: Bool = false) {
        self.interactive = interactive; self.quiet = quiet
    }

    func start(total: Int, cached: Int) {
        lock.lock(); defer { lock.unlock() }
        self.total = total; done = 0
        if !quiet && cached > 0 { emit("\(cached) trial(s) cached, \(total) to run\n") }
    }

    func trialStarted(ordinal: Int, label: String) {
        lock.lock(); defer { lock.unlock() }
        started[ordinal] = (label, Date(), nil)
        if !interactive && !quiet { emit("trial \(ordinal)/\(total) \(label): started\n") }
        draw(force: true)
    }

    func step(ordinal: Int, _ p: RunContext.Progress) {
        lock.lock(); defer { lock.unlock() }
        started[ordinal]?.step = p
        draw(force: false)
    }

    func trialFinished(ordinal: Int, label: String, record: TrialRecord) {
        lock.lock(); defer { lock.unlock() }
        started[ordinal] = nil
        done += 1
        if !quiet {
            let wall = record.wallSeconds.map { String(format: "%.1f s", $0) } ?? "?"
            // The first line of the error: a failed array task's carries its log's tail after it.
            let error = (record.error ?? "").prefix { $0 != "\n" }
            let detail = record.status == .ok ? wall : "\(record.status.rawValue): \(error)"
            if interactive { emit("\r\u{1B}[K") }
            emit("trial \(ordinal)/\(total) \(label): \(detail)\n")
        }
        draw(force: true)
    }

    /// A line of its own (a status line being drawn is cleared first).
    func note(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        guard !quiet else { return }
        if interactive { emit("\r\u{1B}[K") }
        emit(text)
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if interactive && !quiet { emit("\r\u{1B}[K") }
    }

    private func draw(force: Bool) {
        guard interactive, !quiet, let (ordinal, entry) = started.min(by: { $0.key < $1.key }) else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        var line = "trial \(ordinal)/\(total) \(entry.label)"
        if let p = entry.step, p.total > 0 {
            line += " · step \(p.step)/\(p.total)"
            let elapsed = now.timeIntervalSince(entry.time)
            if p.step > 0 {
                let eta = elapsed * Double(p.total - p.step) / Double(p.step)
                line += String(format: " · ETA %d:%02d", Int(eta) / 60, Int(eta) % 60)
            }
            if !p.note.isEmpty { line += " · \(p.note)" }
        }
        emit("\r\u{1B}[K" + line)
    }

    private func emit(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
