/// One key attribute and how index numbers map to its values.
struct KeyAttribute: Sendable {
    var name: String
    /// String attributes are `prefix` + number; nil means a number (N) attribute, which
    /// CloudTrail's untyped key rendering shows as a JSON number.
    var prefix: String?
    var base: Int
    /// Values cycle with this period (0: every index has its own value).
    var modulus = 0
    /// Zero-padding of the numeric part of string values.
    var width = 1

    func number(_ index: Int) -> Int { base + (modulus > 0 ? index % modulus : index) }

    func appendJSON(_ index: Int, to out: inout RecordWriter) {
        if let prefix {
            out.byte(UInt8(ascii: "\"")); out.raw(prefix); out.padded(number(index), width: width); out.byte(UInt8(ascii: "\""))
        } else {
            out.int(number(index))
        }
    }

    /// The literal as PartiQL writes it: 'C-1001' or 42.
    func appendPartiQL(_ index: Int, to out: inout RecordWriter) {
        if let prefix {
            out.byte(UInt8(ascii: "'")); out.raw(prefix); out.padded(number(index), width: width); out.byte(UInt8(ascii: "'"))
        } else {
            out.int(number(index))
        }
    }
}

struct TableModel: Sendable {
    var name: String
    var hashKey: KeyAttribute
    var rangeKey: KeyAttribute?
    /// Size of the key pool; index 0 is the hottest item.
    var items: Int
    /// Share of the stream's data events.
    var weight: Double
    /// Non-key attribute names (their values are never logged).
    var attributes: [String]
    var index: String?
    /// Tables with a stream list an `AWS::DynamoDB::Stream` resource too.
    var streamLabel: String?
}

/// A table deployed in one account and region, with its pre-rendered JSON pieces.
final class DeployedTable: Sendable {
    let model: TableModel
    let account: String
    let region: String
    let arn: String
    let tableId: String
    let resources: Resources
    let nameJSON: [UInt8]
    let arnJSON: [UInt8]

    init(model: TableModel, account: String, region: String, tableId: String) {
        self.model = model
        self.account = account
        self.region = region
        arn = "arn:aws:dynamodb:\(region):\(account):table/\(model.name)"
        self.tableId = tableId
        var entry = RecordWriter()
        entry.raw(#"{"accountId":"#); entry.string(account)
        entry.raw(#","type":"AWS::DynamoDB::Table","ARN":"#); entry.string(arn); entry.raw("}")
        if let label = model.streamLabel {
            var stream = RecordWriter()
            stream.raw(#"{"accountId":"#); stream.string(account)
            stream.raw(#","type":"AWS::DynamoDB::Stream","ARN":"#); stream.string(arn + "/stream/" + label); stream.raw("}")
            resources = .many([entry.bytes, stream.bytes])
        } else {
            resources = .one(entry.bytes)
        }
        var name = RecordWriter(), arnText = RecordWriter()
        name.string(model.name)
        arnText.string(arn)
        nameJSON = name.bytes
        arnJSON = arnText.bytes
    }

    func appendKey(_ index: Int, to out: inout RecordWriter) {
        out.raw(#"{""#); out.raw(model.hashKey.name); out.raw(#"":"#)
        model.hashKey.appendJSON(index, to: &out)
        if let range = model.rangeKey {
            out.raw(#",""#); out.raw(range.name); out.raw(#"":"#)
            range.appendJSON(index, to: &out)
        }
        out.byte(UInt8(ascii: "}"))
    }

    /// `WHERE pk = 'v' AND sk = 'w'` for PartiQL statements (inside a JSON string).
    func appendWhere(_ index: Int, to out: inout RecordWriter) {
        out.raw(" WHERE "); out.raw(model.hashKey.name); out.raw(" = ")
        model.hashKey.appendPartiQL(index, to: &out)
        if let range = model.rangeKey {
            out.raw(" AND "); out.raw(range.name); out.raw(" = ")
            range.appendPartiQL(index, to: &out)
        }
    }

    /// keySchema and attributeDefinitions members, as CreateTable/UpdateTable show them.
    func appendSchema(to out: inout RecordWriter) {
        out.raw(#""attributeDefinitions":["#)
        for (i, key) in [model.hashKey, model.rangeKey].compactMap({ $0 }).enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.raw(#"{"attributeName":"#); out.string(key.name)
            out.raw(key.prefix == nil ? #","attributeType":"N"}"# : #","attributeType":"S"}"#)
        }
        out.raw(#"],"keySchema":[{"attributeName":"#); out.string(model.hashKey.name); out.raw(#","keyType":"HASH"}"#)
        if let range = model.rangeKey {
            out.raw(#",{"attributeName":"#); out.string(range.name); out.raw(#","keyType":"RANGE"}"#)
        }
        out.byte(UInt8(ascii: "]"))
    }
}
