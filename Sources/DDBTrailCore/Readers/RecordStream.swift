/// One input read the way every import reads it: opened (gzip or plain), its first bytes shown
/// once to every reader, then cut into elements with the layout of the reader that claimed it.
/// The importer's reading thread and the tests both read through it.
final class RecordStream {
    let source: ByteSource
    let head: Head
    /// Which reader claims the input (or why none does).
    let match: ReaderRegistry.FormatMatch
    private let splitter: RecordSplitter

    /// `storedSHA256`: the file's hash when the caller computed it before; a file whose bytes
    /// then read differently is reported as damage (see `ByteSource`).
    init(path: String, storedSHA256: String? = nil) throws {
        source = try ByteSource(path: path, storedSHA256: storedSHA256)
        splitter = RecordSplitter(source: source)
        let bytes = try splitter.head(limit: Head.limit)
        head = Head(path: path, bytes: bytes, complete: bytes.count < Head.limit)
        match = ReaderRegistry.detect(head)
    }

    /// Starts cutting elements with the reader's layout.
    func start(_ reader: any RecordReader) { splitter.start(reader.layout(for: head)) }

    /// The next element (or damage), nil at the end of the input.
    func next() throws -> SplitItem? { try splitter.next() }
}
