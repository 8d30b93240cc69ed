import Foundation

/// Atomic file writes without Foundation's `atomically: true`, which on Linux goes through an
/// "item replacement directory" (`/tmp/TemporaryDirectory.XXXXXX`) and leaves that folder
/// behind. Here the text goes to a hidden sibling file first and is renamed over the target
/// (rename(2) is atomic within one file system), so a reader sees the old file or the new one,
/// and nothing is left in the system temporary folder.
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
