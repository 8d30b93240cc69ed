import Foundation

/// Atomic file writes that never touch the system temporary folder: the text goes to a hidden
/// sibling file first and is renamed over the target (rename(2) is atomic within one file
/// system), so a reader sees the old file or the new one. (The `TemporaryDirectory.XXXXXX`
/// folders that `make test` used to leave in /tmp come from the Swift driver and SwiftPM, not
/// from our writes — traced with strace; the Makefile gives those tools a folder of their own.)
public enum AtomicFile {
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    public static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appending(path: ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path, "errno": code])
        }
    }
}
