/// The unwrapping of the change readers: the reader's own shapes first, then anything
/// `CloudTrailUnwrap` knows (a change record inside a log event, a stray CloudTrail record).
enum ChangeUnwrap {
    static func unwrap(_ element: RawElement, expected: String,
                       shapes: (JSONObject, [UInt8]) -> Unwrapped?) -> Unwrapped {
        let parsed: JSON
        do {
            parsed = try JSONParser.parse(element.bytes)
        } catch {
            return .rejected("broken JSON: \(error)")
        }
        guard let object = parsed.object else { return .rejected("element is not a JSON object") }
        if let own = shapes(object, element.bytes) { return own }
        let other = CloudTrailUnwrap.unwrap(parsed, raw: element.bytes)
        if case .rejected = other {
            let keys = object.keys.prefix(6).joined(separator: ", ")
            return .rejected("not \(expected) (members: [\(keys)])")
        }
        return other
    }
}
