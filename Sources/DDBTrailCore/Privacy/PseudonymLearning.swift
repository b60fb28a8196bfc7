import DDBTrailSQLite

/// What the pseudonymiser learns from a case: the originals it must never let through.
extension Pseudonymiser {
    func learn(_ db: Database) throws {
        var kept: Set<String> = []
        for r in try db.rows("""
            SELECT name FROM ddb_tables UNION SELECT account_id FROM ddb_tables
            UNION SELECT DISTINCT recipient_account_id FROM events WHERE recipient_account_id IS NOT NULL
            UNION SELECT DISTINCT account_id FROM principals WHERE account_id IS NOT NULL
            """) {
            if let s = r[0].stringValue { kept.insert(s) }
        }
        // Item keys and every value of every image.
        for r in try db.rows("SELECT keys, old_image, new_image FROM changes") {
            for cell in r { if let s = cell.stringValue { addLeaves(s) } }
        }
        for r in try db.rows("SELECT DISTINCT item_key FROM item_accesses WHERE item_key IS NOT NULL") {
            if let s = r[0].stringValue { addLeaves(s) }
        }
        for r in try db.rows("SELECT DISTINCT key_raw FROM item_accesses WHERE key_raw IS NOT NULL") {
            if let s = r[0].stringValue { addLeaves(s) }
        }
        // People and their keys.
        for r in try db.rows("""
            SELECT arn, principal_id, user_name, role_name, session_name, access_key_id, source_identity,
                   identity_center_user, session_issuer_arn FROM principals
            """) {
            addIdentity(r)
        }
        for r in try db.rows("""
            SELECT access_key_id, issued_arn, issued_principal_id, role_arn, session_name, source_identity, mfa_serial_number,
                   caller_access_key_id, subject FROM credential_grants
            """) {
            addIdentity(r)
        }
        for r in try db.rows("SELECT user_arn, user_name, access_key_id, source_ip FROM console_logins") { addIdentity(r) }
        for r in try db.rows("SELECT DISTINCT source_ip FROM events WHERE source_ip IS NOT NULL") {
            if let ip = r[0].stringValue, Self.looksLikeIP(ip) { add(ip) }
        }
        learned.subtract(kept)
        compound.removeAll { kept.contains($0) }
        finishLearning()
    }

    /// ARNs give their name parts, principal ids their parts; other identifiers themselves.
    func addIdentity(_ row: [SQLValue]) {
        for cell in row {
            guard let s = cell.stringValue, !s.isEmpty else { continue }
            if s.hasPrefix("arn:") {
                let fields = s.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
                guard fields.count == 6 else { continue }
                let parts = fields[5].split(separator: "/").map(String.init)
                // The first part names the kind (user, role, assumed-role, …) unless it stands alone.
                for part in parts.count > 1 ? Array(parts.dropFirst()) : parts where part != "root" { add(part) }
            } else {
                add(s)
                if s.contains(":") { for part in s.split(separator: ":") { add(String(part)) } }
            }
        }
    }

    /// Every string and number leaf of a JSON text (images, keys); the text itself when it is not JSON.
    func addLeaves(_ text: String) {
        guard let value = try? JSONParser.parse(Array(text.utf8)) else { add(text); return }
        func visit(_ v: JSON) {
            switch v {
            case .object(let o): for m in o.members { visit(m.value) }
            case .array(let items): items.forEach(visit)
            case .string(let s): add(s)
            case .number(let n): add(n)
            default: break
            }
        }
        visit(value)
    }

    func add(_ value: String) {
        let s = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard s.count >= 3, !["true", "false", "null"].contains(s.lowercased()), !Self.looksLikeTime(s) else { return }
        if s.contains(where: { Self.separators.contains($0) }) { compound.append(s) } else { learned.insert(s) }
    }

    func finishLearning() {
        compound = Array(Set(compound)).sorted { $0.count > $1.count }
    }

    /// `YYYY-MM-DD…`: times are kept.
    static func looksLikeTime(_ s: String) -> Bool {
        let b = Array(s.utf8.prefix(10))
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return false }
        return b.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || ($0.element >= 48 && $0.element <= 57) }
    }

    /// An IPv4 or IPv6 address (service names such as `dynamodb.amazonaws.com` are not).
    static func looksLikeIP(_ s: String) -> Bool {
        let v4 = s.split(separator: ".", omittingEmptySubsequences: false)
        if v4.count == 4, v4.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }) { return true }
        return s.contains(":") && s.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}
