import DDBTrailSQLite

/// Stores a CloudTrail digest file's body: the digest and the log files it lists.
enum DigestWriter {
    static func write(_ d: JSONObject, fileID: Int64, into db: Database) throws {
        let files = d["logFiles"]?.array ?? []
        let s: (String) -> SQLValue = { .optional(d[$0]?.scalarText) }
        try db.run("""
            INSERT OR REPLACE INTO digest_files(source_file_id, aws_account_id, digest_start_time, digest_end_time, digest_s3_bucket,
              digest_s3_object, public_key_fingerprint, signature_algorithm, newest_event_time, oldest_event_time,
              previous_digest_s3_bucket, previous_digest_s3_object, previous_digest_hash_value, previous_digest_hash_algorithm,
              previous_digest_signature, log_file_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(fileID), s("awsAccountId"), s("digestStartTime"), s("digestEndTime"), s("digestS3Bucket"),
                  s("digestS3Object"), .optional((d["digestPublicKeyFingerprint"] ?? d["publicKeyFingerprint"])?.scalarText),
                  s("digestSignatureAlgorithm"), s("newestEventTime"), s("oldestEventTime"), s("previousDigestS3Bucket"),
                  s("previousDigestS3Object"), s("previousDigestHashValue"), s("previousDigestHashAlgorithm"),
                  s("previousDigestSignature"), .integer(Int64(files.count))])
        let digestID = db.lastInsertRowID
        for (position, file) in files.enumerated() {
            let f: (String) -> SQLValue = { .optional(file[$0]?.scalarText) }
            try db.run("""
                INSERT OR REPLACE INTO digest_log_files(digest_id, position, s3_bucket, s3_object, hash_value, hash_algorithm,
                  newest_event_time, oldest_event_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.integer(digestID), .integer(Int64(position)), f("s3Bucket"), f("s3Object"), f("hashValue"),
                      f("hashAlgorithm"), f("newestEventTime"), f("oldestEventTime")])
        }
    }
}
