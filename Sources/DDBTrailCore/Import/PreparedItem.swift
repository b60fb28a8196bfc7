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
    case rejected(element: RawElement, reason: String)
    case damage(offset: Int64, message: String)

    /// `share`: also do the work the writer would otherwise do (`NormalisedEvent.prepareForWriting`
    /// and the UTF-8 check; a change record's `ChangeText`). The reading thread passes true while
    /// the writer is the slower side.
    static func prepare(_ item: SplitItem, reader: any RecordReader, principals: PrincipalMemo, share: Bool) -> PreparedItem {
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
            case .cloudTrail(let record, let raw):
                let event = CloudTrailNormaliser.normalise(record, raw: raw, principals: principals)
                guard share else { return .event(event, raw: raw, element: element, invalidUTF8: nil) }
                event.prepareForWriting(raw: raw)
                return .event(event, raw: raw, element: element, invalidUTF8: !ByteScan.isValidUTF8(raw))
            }
        }
    }
}
