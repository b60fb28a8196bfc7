import DDBTrailSQLite

/// Stores what verifying digests needs: public keys and digest signatures.
enum IntegrityWriter {
    /// Returns why nothing could be stored, or nil.
    static func write(_ shape: IntegrityShape, _ o: JSONObject, fileID: Int64, path: String, into db: Database) throws -> String? {
        switch shape {
        case .publicKeys:
            var stored = 0
            var problems: [String] = []
            for (i, entry) in (o["PublicKeyList"]?.array ?? []).enumerated() {
                guard let key = entry.object, let fingerprint = key["Fingerprint"]?.string,
                      let text = key["Value"]?.string, let der = Base64.decode(text), !der.isEmpty else {
                    problems.append("key \(i) has no Fingerprint or no base64 Value")
                    continue
                }
                try db.run("""
                    INSERT OR IGNORE INTO public_keys(fingerprint, value, validity_start, validity_end, source_file_id)
                    VALUES (?, ?, ?, ?, ?)
                    """, [.string(fingerprint.lowercased()), .blob(der), .optional(time(key["ValidityStartTime"])),
                          .optional(time(key["ValidityEndTime"])), .integer(fileID)])
                stored += 1
            }
            return stored == 0 ? "no usable key: " + (problems.isEmpty ? "PublicKeyList is empty" : problems.joined(separator: "; ")) : nil
        case .digestMetadata:
            guard let signature = o["signature"]?.string, !signature.isEmpty else { return "no signature" }
            let suffix = ".metadata.json"
            let digestPath = path.hasSuffix(suffix) ? String(path.dropLast(suffix.count)) : path
            try db.run("""
                INSERT OR REPLACE INTO digest_signatures(source_file_id, digest_path, signature, signature_algorithm)
                VALUES (?, ?, ?, ?)
                """, [.integer(fileID), .string(digestPath), .string(signature.lowercased()),
                      .optional(o["signature-algorithm"]?.string)])
            return nil
        }
    }

    /// A validity time as UTC text (the CLI prints epoch seconds, SDKs ISO 8601), or as written.
    static func time(_ value: JSON?) -> String? {
        Timestamp.normalise(value) ?? value?.scalarText
    }
}
