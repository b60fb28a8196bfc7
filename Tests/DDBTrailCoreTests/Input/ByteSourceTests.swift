import DDBTrailSynthetic
import Foundation
import Testing
@testable import DDBTrailCore

/// ByteSource hashes what it reads, and checks it against the hash the importer computed before.
@Suite struct ByteSourceTests {
    /// Reads the whole file through a ByteSource that expects `expected` as the stored hash.
    func readAll(_ path: String, expecting expected: String?) throws -> (stored: String, content: String, source: ByteSource) {
        let source = try ByteSource(path: path, storedSHA256: expected)
        let hashes = try source.finishHashes()
        return (hashes.stored, hashes.content, source)
    }

    @Test(arguments: [false, true])
    func hashesMatchTheBytesAndAChangedFileIsDamage(gzip: Bool) throws {
        let directory = try temporaryDirectory()
        let path = directory + (gzip ? "/records.json.gz" : "/records.json")
        let text = #"{"Records":[{"eventID":"a"}]}"#
        if gzip {
            let writer = try GzipWriter(path: path)
            try writer.write(text)
            try writer.close()
        } else {
            try write(Array(text.utf8), to: path)
        }
        let storedBytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let storedHash = hexString(SHA256Hasher.digest(of: storedBytes))
        let contentHash = hexString(SHA256Hasher.digest(of: Array(text.utf8)))

        let unchanged = try readAll(path, expecting: storedHash)
        #expect(unchanged.stored == storedHash)
        #expect(unchanged.content == contentHash)
        #expect(unchanged.source.damage == nil)

        // The importer's hash from before the read does not match the bytes read: the file changed.
        let changed = try readAll(path, expecting: String(repeating: "0", count: 64))
        #expect(changed.stored == storedHash, "the hash of the bytes actually read is kept")
        #expect(changed.source.damage?.message.contains("the file changed while it was read") == true)

        let unchecked = try readAll(path, expecting: nil)
        #expect(unchecked.stored == storedHash)
        #expect(unchecked.source.damage == nil)
    }
}
