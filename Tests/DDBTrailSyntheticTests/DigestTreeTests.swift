import Foundation
import Testing
@testable import DDBTrailSynthetic

/// The digest tree follows formats.md section 3 (checked with an independent verifier in
/// DigestTreeReading), is reproducible from its seed but for keys and signatures, and each plant
/// leaves exactly the damage it claims.
@Suite struct DigestTreeTests {
    typealias Plant = DigestTree.Plant

    /// The trees the suite shares: seed 5 clean, with each plant alone, and with all of them.
    static let trees = Result { () throws -> [Set<Plant>: DigestTreeReading] in
        var trees: [Set<Plant>: DigestTreeReading] = [:]
        for plants in [[]] + Plant.allCases.map({ [$0] }) + [Plant.allCases] {
            trees[Set(plants)] = try DigestTreeReading(seed: 5, plants: Set(plants))
        }
        return trees
    }

    static func tree(_ plants: Set<Plant> = []) throws -> DigestTreeReading { try #require(try trees.get()[plants]) }

    // MARK: Determinism

    @Test func theSeedFixesNamesAndLogBytesButNotKeys() throws {
        let first = try DigestTreeReading(seed: 11, plants: [])
        let again = try DigestTreeReading(seed: 11, plants: [])
        let other = try DigestTreeReading(seed: 12, plants: [])
        #expect(first.paths == again.paths)
        #expect(first.paths.count > 40)
        #expect(first.logPaths.count > 20)
        for path in first.logPaths {
            let a = try Data(contentsOf: URL(fileURLWithPath: first.root + "/" + path))
            let b = try Data(contentsOf: URL(fileURLWithPath: again.root + "/" + path))
            #expect(a == b, "\(path)")
        }
        // Each write makes its own key, so fingerprints (and signatures) differ.
        #expect(Set(first.keys.keys).isDisjoint(with: again.keys.keys))
        #expect(Set(other.paths).isDisjoint(with: first.logPaths))
    }

    // MARK: Layout (formats.md section 3)

    @Test(arguments: [UInt64(3), 4]) func theTreeHasTheDocumentedLayout(seed: UInt64) throws {
        let tree = try DigestTreeReading(seed: seed, plants: [])
        #expect(tree.findings == [])
        let logName = #"^AWSLogs/111122223333/CloudTrail/(us-east-1|eu-west-1)/\d{4}/\d\d/\d\d/111122223333_CloudTrail_\1_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$"#
        let digestName = #"^AWSLogs/111122223333/CloudTrail-Digest/(us-east-1|eu-west-1)/\d{4}/\d\d/\d\d/111122223333_CloudTrail-Digest_\1_org-trail_us-east-1_\d{8}T\d{6}Z(_backfill)?\.json\.gz$"#
        for path in tree.paths {
            let known = CorpusGeneratorTests.matches(path, logName) || CorpusGeneratorTests.matches(path, digestName)
                || path == "public-keys.json" || path.hasSuffix(".json.gz.metadata.json")
            #expect(known, "\(path)")
        }
        let fields = ["awsAccountId", "digestStartTime", "digestEndTime", "digestS3Bucket", "digestS3Object",
                      "digestPublicKeyFingerprint", "digestSignatureAlgorithm", "newestEventTime", "oldestEventTime",
                      "previousDigestS3Bucket", "previousDigestS3Object", "previousDigestHashValue",
                      "previousDigestHashAlgorithm", "previousDigestSignature", "logFiles"]
        var chains: [String: [DigestTreeReading.DigestFile]] = [:]
        for (path, digest) in tree.digests {
            #expect(Set(digest.json.keys) == Set(fields), "\(path)")
            #expect(digest.object == path)
            #expect(digest.json["digestS3Bucket"] as? String == "org-trail-bucket")
            #expect(digest.json["digestSignatureAlgorithm"] as? String == "SHA256withRSA")
            // The name's time is the end time; slashes are escaped as in AWS's files.
            #expect(path.contains("_" + digest.end.filter { $0 != "-" && $0 != ":" }))
            #expect(String(decoding: digest.raw, as: UTF8.self).hasPrefix(#"{"awsAccountId":"111122223333","#))
            #expect(String(decoding: digest.raw, as: UTF8.self).contains(#""AWSLogs\/111122223333\/CloudTrail-Digest\/"#))
            let region = path.split(separator: "/")[3]
            chains[region + (path.hasSuffix("_backfill.json.gz") ? "-backfill" : ""), default: []].append(digest)
        }
        #expect(Set(chains.keys) == ["us-east-1", "eu-west-1", "us-east-1-backfill"])
        #expect((8...12).contains(chains["us-east-1"]!.count) && (8...12).contains(chains["eu-west-1"]!.count))
        #expect(chains["us-east-1-backfill"]!.count == 3)
        var emptyHours = 0
        for (name, chain) in chains {
            let ordered = chain.sorted { $0.end < $1.end }
            let previous = ["previousDigestS3Bucket", "previousDigestS3Object", "previousDigestHashValue",
                            "previousDigestHashAlgorithm", "previousDigestSignature"]
            #expect(previous.allSatisfy { ordered[0].json[$0] is NSNull }, "\(name) starts with a starting digest")
            for (earlier, later) in zip(ordered, ordered.dropFirst()) {
                #expect(later.previousObject == earlier.object)
                #expect(later.json["previousDigestHashValue"] as? String == DigestTreeReading.sha256(earlier.raw))
                #expect(later.json["previousDigestHashAlgorithm"] as? String == "SHA-256")
                #expect(later.json["digestStartTime"] as? String == earlier.end, "hourly spans follow each other")
            }
            for digest in ordered {
                let span = DigestTreeReading.seconds(digest.json["digestStartTime"] as! String)..<DigestTreeReading.seconds(digest.end)
                #expect(span.count == 3_600)
                if digest.entries.isEmpty {
                    emptyHours += 1
                    #expect(digest.json["newestEventTime"] is NSNull && digest.json["oldestEventTime"] is NSNull)
                }
                for entry in digest.entries {
                    #expect(span.contains(DigestTreeReading.nameTime(entry["s3Object"] as! String)))
                    #expect(entry["hashAlgorithm"] as? String == "SHA-256" && entry["s3Bucket"] as? String == "org-trail-bucket")
                }
            }
        }
        #expect(emptyHours >= 2)
        // Every log file is listed exactly once, and its records fit the listing.
        let listed = tree.listings.map { $0.entry["s3Object"] as! String }
        #expect(listed.sorted() == tree.logPaths)
        var eventIDs = Set<String>()
        for (_, entry) in tree.listings {
            let path = entry["s3Object"] as! String
            let records = try CorpusGeneratorTests.records(Data(try tree.content(path)))
            #expect((2...6).contains(records.count))
            let times = records.map { $0["eventTime"] as! String }
            #expect(entry["newestEventTime"] as? String == times.max() && entry["oldestEventTime"] as? String == times.min())
            for record in records {
                #expect(eventIDs.insert(record["eventID"] as! String).inserted)
                #expect(record["awsRegion"] as? String == String(path.split(separator: "/")[3]))
                #expect(record["recipientAccountId"] as? String == "111122223333")
                #expect(record["eventSource"] as? String == "dynamodb.amazonaws.com")
            }
        }
        // Metadata beside each chain's newest digest: one bare, two head-object outputs.
        let metadata = tree.paths.filter { $0.hasSuffix(".metadata.json") }
        #expect(Set(metadata) == Set(chains.values.map { $0.max { $0.end < $1.end }!.object + ".metadata.json" }))
        var forms: [String] = []
        for path in metadata {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tree.root + "/" + path))) as! [String: Any]
            let inner = (json["Metadata"] as? [String: Any]) ?? json
            #expect(inner["signature-algorithm"] as? String == "SHA256withRSA")
            #expect((inner["signature"] as? String)?.count == 512)
            #expect((inner["backfill-generation-timestamp"] != nil) == path.hasSuffix("_backfill.json.gz.metadata.json"))
            let stored = try Data(contentsOf: URL(fileURLWithPath: tree.root + "/" + path.dropLast(14)))
            if json["Metadata"] != nil { #expect(json["ContentLength"] as? Int == stored.count) }
            forms.append(json["Metadata"] == nil ? "bare" : "head-object")
        }
        #expect(forms.sorted() == ["bare", "head-object", "head-object"])
        // Two published keys: the signing key in PKCS#1 form, another in SPKI form.
        let values = tree.keys.values.map { $0["Value"] as! String }
        #expect(values.filter { $0.hasPrefix("MIIBCgKCAQEA") }.count == 1)
        #expect(values.filter { $0.hasPrefix("MIIBIjANBgkqh") }.count == 1)
        for key in tree.keys.values {
            // AWS CLI v1 prints epoch floats, v2 ISO 8601; the seed's parity picks one.
            #expect(seed % 2 == 0 ? key["ValidityStartTime"] is NSNumber : key["ValidityStartTime"] is String)
        }
    }

    // MARK: Signatures

    @Test func everyDigestVerifiesAgainstThePublishedKey() throws {
        let tree = try Self.tree()
        #expect(tree.digests.count >= 19)
        for path in tree.digests.keys.sorted() {
            #expect(try tree.verifies(path) == true, "\(path)")
        }
        // Each listed log file hashes (decompressed) to its entry.
        for (_, entry) in tree.listings {
            let path = entry["s3Object"] as! String
            #expect(DigestTreeReading.sha256(try tree.content(path)) == entry["hashValue"] as? String)
        }
        // The checker can say no: one changed byte, or the wrong key, fails.
        let path = tree.digests.keys.sorted()[3]
        var digest = tree.digests[path]!
        let signature = DigestTreeReading.unhex(try #require(try tree.signature(of: digest.object)))
        let signing = try #require(tree.keys[digest.json["digestPublicKeyFingerprint"] as! String])
        let other = try #require(tree.keys.values.first { $0["Value"] as? String != signing["Value"] as? String })
        func check(_ key: [String: Any]) -> Bool {
            let text = digest.end + "\norg-trail-bucket/" + digest.object + "\n" + DigestTreeReading.sha256(digest.raw) + "\n"
                + (digest.json["previousDigestSignature"] as? String ?? "null")
            return DigestTreeReading.verify(Array(text.utf8), signature: signature,
                                            der: [UInt8](Data(base64Encoded: key["Value"] as! String)!))
        }
        #expect(check(signing))
        #expect(!check(other))
        digest.raw[digest.raw.count / 2] ^= 1
        #expect(!check(signing))
        // The SPKI key parses only as SPKI, the signing key as PKCS#1.
        let spki = [UInt8](Data(base64Encoded: other["Value"] as! String)!)
        let pkcs1 = [UInt8](Data(base64Encoded: signing["Value"] as! String)!)
        #expect(DigestTreeReading.publicKey(spki, as: .spki) != nil)
        #expect(DigestTreeReading.publicKey(pkcs1, as: .pkcs1) != nil)
    }

    // MARK: Plants

    @Test(arguments: Plant.allCases) func eachPlantLeavesItsDamageAndOneFinding(plant: Plant) throws {
        let clean = try Self.tree()
        let tree = try Self.tree([plant])
        try #require(tree.findings.count == 1)
        let finding = tree.findings[0]
        #expect(finding.status == "failed" && finding.check == plant.check)
        let key = finding.s3Object
        let present = Set(tree.paths)
        var victimDigest: String?
        switch plant {
        case .editedRecord:
            let listing = try #require(tree.entry(for: key))
            let content = try tree.content(key)
            #expect(DigestTreeReading.sha256(content) != listing.entry["hashValue"] as? String)
            #expect(String(decoding: content, as: UTF8.self).contains(#""sourceIPAddress":"198.51.100.23""#))
            #expect(try tree.verifies(listing.digest) == true)
        case .deletedLogFile:
            let listing = try #require(tree.entry(for: key))
            #expect(!present.contains(key))
            #expect(try tree.verifies(listing.digest) == true)
        case .movedLogFile:
            let listing = try #require(tree.entry(for: key))
            #expect(!present.contains(key))
            let name = key.split(separator: "/").last!
            let elsewhere = tree.logPaths.filter { $0.hasSuffix("/" + name) }
            try #require(elsewhere.count == 1)
            #expect(DigestTreeReading.sha256(try tree.content(elsewhere[0])) == listing.entry["hashValue"] as? String)
        case .plantedLogFile:
            #expect(present.contains(key))
            #expect(tree.entry(for: key) == nil)
            let time = DigestTreeReading.nameTime(key)
            let spans = tree.digests.filter {
                !$0.key.hasSuffix("_backfill.json.gz") && $0.key.split(separator: "/")[3] == key.split(separator: "/")[3]
                    && DigestTreeReading.seconds($0.value.json["digestStartTime"] as! String) <= time
                    && time < DigestTreeReading.seconds($0.value.end)
            }
            let holder = try #require(spans.first)
            #expect(spans.count == 1)
            #expect(tree.successor(of: holder.key) != nil && !(holder.value.previousObject ?? "").isEmpty, "mid-chain")
        case .deletedDigest:
            #expect(!present.contains(key) && !tree.digests.values.contains { $0.object == key })
            let next = try #require(tree.successor(of: key))
            #expect(try tree.verifies(next) == true)
            #expect(clean.digests[key] != nil)
        case .editedDigestLogFiles, .unpublishedKey:
            victimDigest = key
            let digest = try #require(tree.digests[key])
            #expect(try tree.verifies(key) == false)
            let next = try #require(tree.successor(of: key))
            #expect(tree.digests[next]!.json["previousDigestHashValue"] as? String != DigestTreeReading.sha256(digest.raw))
            let before = clean.digests[key]!.entries.map { $0["s3Object"] as! String }
            let after = digest.entries.map { $0["s3Object"] as! String }
            if plant == .unpublishedKey {
                #expect(tree.keys[digest.json["digestPublicKeyFingerprint"] as! String] == nil)
                #expect(after == before)
            } else {
                // One entry is gone, and so is its log file.
                let dropped = Set(before).subtracting(after)
                #expect(dropped.count == 1 && Set(after).isSubset(of: before) && after.count == before.count - 1)
                #expect(present.isDisjoint(with: dropped))
            }
        case .movedDigest:
            #expect(!present.contains(key))
            let moved = try #require(tree.digests.first { $0.value.object == key })
            victimDigest = moved.key
            #expect(moved.key.split(separator: "/").last == key.split(separator: "/").last)
            #expect(try tree.verifies(moved.key) == true)
        }
        // Nothing else fails: every other digest verifies (or, just before a deleted one, has no
        // signature left), and the rest of the file list is the clean tree's.
        for path in tree.digests.keys where path != victimDigest {
            let verdict = try tree.verifies(path)
            #expect(verdict == true || (plant == .deletedDigest && verdict == nil), "\(path)")
        }
        let changed = Set(clean.paths).symmetricDifference(present).filter { !$0.hasSuffix(".metadata.json") }
        #expect(changed.count == (plant == .editedRecord || plant == .unpublishedKey ? 0 : plant == .movedLogFile || plant == .movedDigest ? 2 : 1),
                "\(changed.sorted())")
    }

    @Test func allPlantsTogetherGiveTheUnionOfTheSingleFindings() throws {
        let all = try Self.tree(Set(Plant.allCases))
        var union: [DigestTree.Finding] = []
        for plant in Plant.allCases { union += try Self.tree([plant]).findings }
        #expect(all.findings == union.sorted { ($0.check, $0.s3Object) < ($1.check, $1.s3Object) })
        #expect(Set(all.findings.map(\.s3Object)).count == Plant.allCases.count)
        // Victims sit in the middle of the hourly chains: never first, newest or backfill.
        let clean = try Self.tree()
        for finding in all.findings where finding.check.hasPrefix("digest-") {
            #expect(!finding.s3Object.hasSuffix("_backfill.json.gz"))
            let digest = try #require(clean.digests[finding.s3Object])
            #expect(digest.previousObject != nil && clean.successor(of: digest.object) != nil)
        }
        #expect(try Self.tree().findings == [])
    }
}
