import DDBTrailSQLite
import Testing
@testable import DDBTrailCore

@Suite struct PseudonymiserTests {
    /// RFC 4231, test case 2.
    @Test func hmacMatchesTheStandard() {
        let mac = Pseudonymiser.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(hexString(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func valuesAreReplacedWhereverTheyAppear() {
        let p = Pseudonymiser(secret: Array("0123456789abcdef0123".utf8), originals: ["C-1001", "alice", "203.0.113.66", "Jane Doe", "AKIAEXAMPLEKEY"])
        let c = p.pseudonym("C-1001")
        #expect(c.hasPrefix("ps-") && c.count == 19 && c == p.pseudonym("C-1001") && c != p.pseudonym("C-1002"))
        // Embedded in an ARN, a PartiQL statement, a message with a compound name, and JSON text.
        #expect(p.text("arn:aws:iam::111122223333:user/alice") == "arn:aws:iam::111122223333:user/\(p.pseudonym("alice"))")
        #expect(p.text("SELECT * FROM Orders WHERE customerId = 'C-1001'") == "SELECT * FROM Orders WHERE customerId = '\(c)'")
        #expect(!p.text("signed in as Jane Doe from 203.0.113.66").contains("Jane Doe"))
        #expect(!p.text("from 203.0.113.66").contains("203.0.113.66"))
        // A value that only contains a learned one as a part of a longer token is not touched.
        #expect(p.text("C-10011") == "C-10011")
        // Image columns: every value, numbers too; names stay.
        let image = p.cell(column: "new_image", .string(#"{"customerId":"C-9","total":12.5,"tags":["x"]}"#))
        let text = image.stringValue ?? ""
        #expect(!text.contains("C-9") && !text.contains("12.5") && text.contains("\"customerId\"") && text.contains("\"total\""))
        // A stream record: values under Keys/NewImage are replaced, type tags and times are kept.
        let raw = #"{"eventID":"e1","dynamodb":{"ApproximateCreationDateTime":1793000000,"Keys":{"id":{"S":"K-77"}},"NewImage":{"id":{"S":"K-77"},"n":{"N":"5"}}},"userIdentity":null}"#
        let out = String(decoding: p.record(Array(raw.utf8)), as: UTF8.self)
        #expect(!out.contains("K-77") && !out.contains("\"5\"") && out.contains("\"S\"") && out.contains("1793000000") && out.contains("\"e1\""))
        // Numbers and counts outside images are kept.
        #expect(p.cell(column: "n", .integer(1001)) == .integer(1001))
    }

    @Test func anotherSecretGivesOtherPseudonyms() {
        let a = Pseudonymiser(secret: Array("0123456789abcdef0123".utf8), originals: [])
        let b = Pseudonymiser(secret: Array("fedcba98765432100123".utf8), originals: [])
        #expect(a.pseudonym("alice") != b.pseudonym("alice"))
    }
}
