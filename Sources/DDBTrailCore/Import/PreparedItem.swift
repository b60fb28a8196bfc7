import Foundation

/// A record made ready for writing on the reading thread: cut, unwrapped, parsed and normalised.
enum PreparedItem: @unchecked Sendable {
    /// `invalidUTF8` is nil when the reading thread left that check to the writer.
    case event(NormalisedEvent, raw: [UInt8], element: RawElement, invalidUTF8: Bool?)
    case digest(JSONObject, element: RawElement)
    /// The text is nil when the reading thread left rendering it to the writer.
    case change(ChangeRecord, ChangeText?, raw: [UInt8], element: RawElement)
    case context(ChangeContext, element: RawElement)
    case integrity(IntegrityShape, JSONObject, element: RawElement)
    /// Metric datapoints of one element (none for an empty page).
    case metrics([MetricDatapoint], element: RawElement)
    /// A metric request file: read with its output, stores nothing itself.
    case metricRequest(element: RawElement)
    case rejected(element: RawElement, reason: String)
    case damage(offset: Int64, message: String)

    /// `share`: also do the work the writer would otherwise do (`NormalisedEvent.prepareForWriting`
    /// and the UTF-8 check; a change record's `ChangeText`). The reading thread passes true while
    /// the writer is the slower side.
    /// `pairing`: the request beside a metric output, when the file is one.
    static func prepare(_ item: SplitItem, reader: any RecordReader, principals: PrincipalMemo, share: Bool,
                        pairing: MetricPairing? = nil) -> PreparedItem {
        switch item {
        case .damage(let offset, let message):
            return .damage(offset: offset, message: message)
        case .element(let element):
            switch reader.unwrap(element) {
            case .rejected(let reason): return .rejected(element: element, reason: reason)
            case .digest(let digest, _): return .digest(digest, element: element)
            case .integrity(let shape, let object): return .integrity(shape, object, element: element)
            case .change(let shape, let object, let raw):
                do {
                    let change = try ChangeNormaliser.record(shape, object)
                    return .change(change, share ? ChangeText(change, raw: raw) : nil, raw: raw, element: element)
                } catch {
                    return .rejected(element: element, reason: ChangeNormaliser.message(error))
                }
            case .context(let shape, let object):
                do {
                    return .context(try ChangeNormaliser.context(shape, object), element: element)
                } catch {
                    return .rejected(element: element, reason: ChangeNormaliser.message(error))
                }
            case .metrics(let shape, let object):
                if shape == .request { return .metricRequest(element: element) }
                if shape != .stream, pairing?.request == nil {
                    let looked = pairing?.looked.joined(separator: " or ") ?? "a request file beside it"
                    return .rejected(element: element, reason: "no request beside this output: looked for \(looked) (the --cli-input-json request it answered)")
                }
                do {
                    return .metrics(try MetricNormaliser.datapoints(shape, object, request: pairing?.request), element: element)
                } catch let failure as MetricNormaliser.Failure {
                    return .rejected(element: element, reason: failure.message)
                } catch {
                    return .rejected(element: element, reason: "\(error)")
                }
            case .cloudTrail(let record, let raw):
                let event = CloudTrailNormaliser.normalise(record, raw: raw, principals: principals)
                guard share else { return .event(event, raw: raw, element: element, invalidUTF8: nil) }
                event.prepareForWriting(raw: raw)
                return .event(event, raw: raw, element: element, invalidUTF8: !ByteScan.isValidUTF8(raw))
            }
        }
    }
}


/// The request file paired with a metric output: where it was looked for, and what was found.
struct MetricPairing: @unchecked Sendable {
    var looked: [String]
    var request: JSONObject?
    var requestSHA256: String?

    /// Looks beside `path` for a request; `requestSHA256` is set only when one was read.
    init(for path: String) {
        looked = MetricShapes.requestPaths(for: path)
        guard let found = looked.first(where: { FileManager.default.fileExists(atPath: $0) }),
              let object = MetricShapes.loadRequest(found) else { return }
        request = object
        requestSHA256 = FileReading.hashStoredBytes(found)
    }
}
