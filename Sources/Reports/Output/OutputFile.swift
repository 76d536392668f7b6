import CWriteback

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered byte sink on a file descriptor: standard output, or a file written under a
/// temporary name and renamed into place on ``commit()``, so readers never see half a file.
public final class OutputFile {
    private let descriptor: Int32
    /// Where flushed bytes go instead of `descriptor`, for a stream (an HTTP response body).
    private let sink: (([UInt8]) throws -> Void)?
    private let finalPath: String?
    /// The temporary file until it is committed or abandoned.
    private var temporaryPath: String?
    private var buffer: [UInt8] = []
    private let flushThreshold = 256 * 1024
    /// Bytes written to the file, and how many of them writeback was started for.
    private var bytesWritten: Int64 = 0
    private var writebackStarted: Int64 = 0
    /// How many written bytes make the kernel start writing them back (a file only).
    private let writebackThreshold: Int64 = 8 * 1024 * 1024

    /// Writes to standard output.
    public static func standardOutput() -> OutputFile { OutputFile(descriptor: 1, finalPath: nil, temporaryPath: nil) }

    private init(descriptor: Int32, finalPath: String?, temporaryPath: String?, sink: (([UInt8]) throws -> Void)? = nil) {
        self.descriptor = descriptor
        self.sink = sink
        self.finalPath = finalPath
        self.temporaryPath = temporaryPath
        buffer.reserveCapacity(flushThreshold + 4096)
    }

    /// Hands every flushed chunk (about 256 KiB, or a larger piece written whole) to `sink`, which
    /// may block to apply backpressure.
    public convenience init(sink: @escaping ([UInt8]) throws -> Void) {
        self.init(descriptor: -1, finalPath: nil, temporaryPath: nil, sink: sink)
    }

    /// Starts writing `path` atomically: the bytes go to `path.tmp-PID` until ``commit()``.
    /// - Parameter permissions: the file's mode (less the umask), 0600 for a secret.
    public convenience init(atomicPath path: String, permissions: mode_t = 0o644) throws(OutputError) {
        let temporary = "\(path).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, permissions)
        guard descriptor >= 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
        self.init(descriptor: descriptor, finalPath: path, temporaryPath: temporary)
    }

    /// Gives the temporary file the owner, group and mode of the file at `path` (the one it
    /// replaces), as far as this process may: a rewritten file stays readable by whoever read it.
    public func keepOwnership(of path: String) {
        var status = stat()
        guard temporaryPath != nil, stat(path, &status) == 0 else { return }
        _ = fchown(descriptor, status.st_uid, status.st_gid)
        _ = fchmod(descriptor, status.st_mode & 0o7777)
    }

    deinit {
        if let temporaryPath {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    public func write(_ bytes: [UInt8]) throws(OutputError) {
        // A large piece (an export chunk) goes out as it is, not copied through the buffer.
        if bytes.count >= flushThreshold {
            try flush()
            try emit(bytes)
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { try flush() }
    }

    public func write(_ text: String) throws(OutputError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= flushThreshold { try flush() }
    }

    public func flush() throws(OutputError) {
        try emit(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Hands `bytes` to the sink, or writes all of them to the descriptor.
    private func emit(_ bytes: [UInt8]) throws(OutputError) {
        if let sink {
            do {
                try sink(bytes)
            } catch {
                throw OutputError(path: "the response", reason: "\(error)")
            }
            return
        }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                systemWrite(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: finalPath ?? "standard output", reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        // A large file: have the kernel write it back as it grows, so commit's fsync is short.
        guard finalPath != nil else { return }
        bytesWritten += Int64(bytes.count)
        if bytesWritten - writebackStarted >= writebackThreshold {
            _ = cwriteback_start(descriptor, writebackStarted, bytesWritten - writebackStarted)
            writebackStarted = bytesWritten
        }
    }

    /// Flushes, syncs and renames the temporary file into place (or just flushes standard output).
    public func commit() throws(OutputError) {
        try flush()
        guard let finalPath, let temporaryPath else { return }
        guard fsync(descriptor) == 0, rename(temporaryPath, finalPath) == 0 else {
            throw OutputError(path: finalPath, reason: String(cString: strerror(errno)))
        }
        close(descriptor)
        self.temporaryPath = nil
    }
}

private func systemWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, pointer, count)
}

/// A file that could not be written.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "cannot write \(path): \(reason)" }
}
