#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File work for bundles: walking a bundle, hashing and copying files.
enum BundleFiles {
    enum Kind { case file, directory, other, absent }

    static func kind(_ path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .absent }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// The names in a folder (nil when it cannot be read).
    static func entries(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Every entry under `directory` that is not a directory, as relative paths with `/`, in
    /// byte order. Symbolic links are listed, never followed.
    static func walk(_ directory: String) throws(BundleError) -> [String] {
        var found: [String] = []
        func visit(_ relative: String) throws(BundleError) {
            let path = relative.isEmpty ? directory : directory + "/" + relative
            guard let names = entries(path) else {
                throw .failure("cannot read the folder \(path): \(String(cString: strerror(errno)))")
            }
            for name in names {
                let child = relative.isEmpty ? name : relative + "/" + name
                if kind(directory + "/" + child) == .directory { try visit(child) } else { found.append(child) }
            }
        }
        try visit("")
        return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// SHA-256 (hex) and size of a file's bytes.
    static func digest(_ path: String) throws(BundleError) -> (sha256: String, bytes: Int64) {
        try stream(from: path, to: nil)
    }

    /// Copies `source` to `destination` (which must not exist) byte for byte; returns the
    /// SHA-256 and size of the bytes copied.
    static func copy(_ source: String, to destination: String) throws(BundleError) -> (sha256: String, bytes: Int64) {
        try stream(from: source, to: destination)
    }

    private static func stream(from source: String, to destination: String?) throws(BundleError) -> (sha256: String, bytes: Int64) {
        let input = open(source, O_RDONLY)
        guard input >= 0 else { throw .failure("cannot open \(source): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        var output: Int32 = -1
        if let destination {
            output = open(destination, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard output >= 0 else { throw .failure("cannot create \(destination): \(String(cString: strerror(errno)))") }
        }
        defer { if output >= 0 { close(output) } }
        let hasher = SHA256Hasher()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total: Int64 = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .failure("cannot read \(source): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update($0.baseAddress!, count: n) }
            total += Int64(n)
            if output >= 0 {
                var written = 0
                while written < n {
                    let w = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, n - written) }
                    if w < 0 {
                        if errno == EINTR { continue }
                        throw .failure("cannot write \(destination ?? ""): \(String(cString: strerror(errno)))")
                    }
                    written += w
                }
            }
        }
        return (hasher.finalizeHex(), total)
    }

    /// Writes `bytes` to a new file.
    static func writeFile(_ bytes: [UInt8], to path: String) throws(BundleError) {
        do {
            let sink = try FileOutputSink(path: path)
            bytes.withUnsafeBufferPointer { sink.write(utf8: $0) }
            try sink.close()
        } catch {
            throw .failure("\(error)")
        }
    }

    static func makeDirectory(_ path: String) throws(BundleError) {
        guard mkdir(path, 0o755) == 0 else {
            throw .failure("cannot create the folder \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes a folder and everything in it (a half-written bundle).
    static func remove(_ path: String) {
        switch kind(path) {
        case .directory:
            for name in entries(path) ?? [] { remove(path + "/" + name) }
            rmdir(path)
        case .absent: break
        default: unlink(path)
        }
    }
}
