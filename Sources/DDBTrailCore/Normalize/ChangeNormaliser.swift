/// Turns one change-data object, of a shape a reader recognised (`ChangeShapes`), into a
/// `ChangeRecord` (or a `ChangeContext`). Pure: the same object always gives the same record.
///
/// Shapes:
/// - DynamoDB Streams record: `eventSource` `aws:dynamodb` and a `dynamodb` object (GetRecords
///   output has no `eventSourceARN`; Lambda events add it).
/// - Kinesis Data Streams for DynamoDB record: `tableName` and a `dynamodb` object, either bare
///   (already decoded) or base64 in a Kinesis record's `data` (Lambda `kinesis.data`, or
///   `Data` in `aws kinesis get-records` output).
/// - Export to S3: `manifest-summary.json`, incremental lines (`Metadata.WriteTimestampMicros`),
///   full DYNAMODB_JSON lines (`{"Item":{…}}`).
/// - `describe-stream` output (`StreamDescription`).
enum ChangeNormaliser {
    /// A change object that cannot be imported; the message says why.
    struct Failure: Error, CustomStringConvertible {
        let message: String
        init(_ message: String) { self.message = message }
        var description: String { message }
    }

    /// The change an object of that shape records.
    static func record(_ shape: ChangeShape, _ o: JSONObject) throws -> ChangeRecord {
        switch shape {
        case .streamRecord: return try streamRecord(o)
        case .kinesisRecord(let arn): return try kinesisRecord(o, kinesisStreamARN: arn)
        case .incrementalExportLine: return try incrementalExportLine(o)
        case .fullExportLine: return try fullExportLine(o)
        }
    }

    /// The table an object of that shape names for other change records.
    static func context(_ shape: ContextShape, _ o: JSONObject) throws -> ChangeContext {
        switch shape {
        case .exportManifest: return try exportManifest(o)
        case .describeStream: return try describeStream(o)
        }
    }

    /// Why an object could not be normalised, for the record's rejection.
    static func message(_ error: Error) -> String {
        if let e = error as? AttributeValueError { return e.description }
        if let e = error as? Failure { return e.message }
        return "\(error)"
    }

    // MARK: - Stream and Kinesis records

    /// A DynamoDB Streams record: GetRecords output (source `dynamodb-streams`, table unknown) or
    /// a Lambda event record (source `lambda-dynamodb`, table from `eventSourceARN`).
    static func streamRecord(_ o: JSONObject) throws -> ChangeRecord {
        let arn = o["eventSourceARN"]?.string
        var record = try changeBody(o, source: arn == nil ? "dynamodb-streams" : "lambda-dynamodb", clock: .streams)
        if let arn {
            if let table = TableIdentity(dynamoDBARN: arn), ByteScan.contains(arn, "/stream/") {
                if let problem = implausible(table) {
                    record.warnings.append("eventSourceARN \(jsonString(arn)) \(problem); table left unknown")
                } else {
                    record.table = table
                    record.streamARN = arn
                }
            } else {
                record.warnings.append("eventSourceARN \(jsonString(arn)) is not a DynamoDB stream ARN; table left unknown")
            }
        }
        return record
    }

    /// A decoded Kinesis Data Streams for DynamoDB record. The record names the table and Region
    /// but not the account: `kinesisStreamARN` (the enclosing Lambda record's `eventSourceARN`)
    /// supplies it when known, else the account is "".
    static func kinesisRecord(_ o: JSONObject, kinesisStreamARN: String? = nil) throws -> ChangeRecord {
        var record = try changeBody(o, source: "kinesis-dynamodb", clock: .kinesis)
        guard let name = o["tableName"]?.string else { throw Failure("Kinesis DynamoDB record has no tableName") }
        var account = ""
        var region = record.awsRegion ?? ""
        if let arn = kinesisStreamARN, let f = ARN.fields(arn), f.service == "kinesis" {
            account = String(f.account)
            if region.isEmpty { region = String(f.region) }
        }
        let table = TableIdentity(account: account, region: region, name: name)
        if let problem = implausible(table) {
            record.warnings.append("table \(jsonString(name)) in \(jsonString(region)) \(problem); table left unknown")
        } else {
            record.table = table
        }
        return record
    }

    /// How `ApproximateCreationDateTime` is read.
    enum Clock {
        /// Epoch seconds (or an ISO string from CLI v2), rounded down by AWS: precision `second`.
        case streams
        /// Epoch milliseconds or microseconds, by magnitude.
        case kinesis
    }

    /// The fields shared by stream and Kinesis records.
    private static func changeBody(_ o: JSONObject, source: String, clock: Clock) throws -> ChangeRecord {
        guard let name = o["eventName"]?.string else { throw Failure("change record has no eventName") }
        let changeType = name.uppercased()
        guard ["INSERT", "MODIFY", "REMOVE"].contains(changeType) else {
            throw Failure("eventName \(jsonString(name)) is not INSERT, MODIFY or REMOVE")
        }
        guard let d = o["dynamodb"]?.object else { throw Failure("change record has no dynamodb object") }
        var notes = AttributeValue.ParseNotes()
        guard let keysObject = d["Keys"] else { throw Failure("dynamodb.Keys is missing") }
        guard case .object(let keysJSON) = keysObject else { throw Failure("dynamodb.Keys is not an object") }
        let keys = try AttributeValue.parseItem(keysJSON, path: "dynamodb.Keys", notes: &notes)
        var record = ChangeRecord(changeType: changeType, source: source, precision: "none", keys: keys)
        record.newImage = try image(d, "NewImage", prefix: "dynamodb.", notes: &notes)
        record.oldImage = try image(d, "OldImage", prefix: "dynamodb.", notes: &notes)
        record.eventID = o["eventID"]?.scalarText
        record.awsRegion = o["awsRegion"]?.string
        record.sequenceNumber = d["SequenceNumber"]?.scalarText
        if let s = record.sequenceNumber, s.isEmpty || !s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            record.warnings.append("dynamodb.SequenceNumber \(jsonString(s)) is not a decimal number")
        }
        record.sizeBytes = d["SizeBytes"]?.scalarText.flatMap { Int64($0) }
        record.viewType = d["StreamViewType"]?.string
        if let identity = o["userIdentity"]?.object {
            record.identityType = identity["type"]?.string
            record.identityPrincipal = identity["principalId"]?.string
        }
        if let value = d["ApproximateCreationDateTime"], !value.isNull {
            if let t = changeTime(value, clock: clock) {
                record.time = t.text
                record.timeMicros = t.micros
                record.precision = t.precision
                if let note = t.note { record.warnings.append("dynamodb.ApproximateCreationDateTime " + note) }
            } else {
                record.warnings.append("dynamodb.ApproximateCreationDateTime \(value.compactText) is not a time; left unknown")
            }
        }
        record.warnings += notes.messages
        return record
    }

    private static func image(_ d: JSONObject, _ name: String, prefix: String, notes: inout AttributeValue.ParseNotes) throws -> [(String, AttributeValue)]? {
        guard let value = d[name], !value.isNull else { return nil }
        guard case .object(let object) = value else { throw Failure("\(prefix)\(name) is not an object") }
        return try AttributeValue.parseItem(object, path: prefix + name, notes: &notes)
    }

    // MARK: - Times

    struct ChangeTime: Equatable {
        var text: String
        var micros: Int64
        var precision: String
        /// Something unusual about the spelling, for the record's warnings.
        var note: String?
    }

    /// Reads `ApproximateCreationDateTime`: a JSON number (epoch seconds, ms or µs, also in
    /// exponent form such as `1.635734407123456789E9`), the same as a string, or an ISO 8601
    /// string (CLI v2). The instant keeps whatever fraction the value carries.
    static func changeTime(_ value: JSON, clock: Clock) -> ChangeTime? {
        let text: String
        switch value {
        case .number(let n): text = n
        case .string(let s): text = s.trimmingWhitespace
        default: return nil
        }
        if let epoch = Timestamp.epochMicros(text) {
            let precision: String
            var note: String? = nil
            switch (clock, epoch.unit) {
            case (.streams, .seconds): precision = "second"
            case (.streams, let unit):
                precision = "second"
                note = "\(text) read as epoch \(unit == .milliseconds ? "milliseconds" : "microseconds") (streams give seconds)"
            case (.kinesis, .seconds): precision = "second"
            case (.kinesis, .milliseconds): precision = "millisecond"
            case (.kinesis, .microseconds): precision = "microsecond"
            }
            return ChangeTime(text: Timestamp.format(micros: epoch.micros), micros: epoch.micros, precision: precision, note: note)
        }
        guard let iso = Timestamp.isoMicros(text) else { return nil }
        let precision: String
        switch clock {
        case .streams: precision = "second"
        case .kinesis: precision = iso.fractionDigits == 0 ? "second" : iso.fractionDigits <= 3 ? "millisecond" : "microsecond"
        }
        return ChangeTime(text: Timestamp.format(micros: iso.micros), micros: iso.micros, precision: precision, note: nil)
    }

    // MARK: - Table names

    /// Why a table identity cannot be real (template placeholders such as `{{{table}}}` or
    /// `account-id`), or nil when it is plausible.
    static func implausible(_ t: TableIdentity) -> String? {
        let nameOK = (1...255).contains(t.name.utf8.count) && t.name.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 45 || c == 46
        }
        if !nameOK { return "has a table name that is not a valid DynamoDB table name" }
        if !t.account.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return "has an account that is not a number" }
        if !t.region.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }) {
            return "has a Region that is not a Region name"
        }
        return nil
    }

    // MARK: - Exports

    /// One line of an incremental export: INSERT (NewImage only), MODIFY (both images) or
    /// REMOVE (no NewImage), timed by `Metadata.WriteTimestampMicros` (µs, a typed `{"N":…}`).
    static func incrementalExportLine(_ o: JSONObject) throws -> ChangeRecord {
        var notes = AttributeValue.ParseNotes()
        guard case .object(let keysJSON)? = o["Keys"] else { throw Failure("incremental export line has no Keys object") }
        let keys = try AttributeValue.parseItem(keysJSON, path: "Keys", notes: &notes)
        let newImage = try image(o, "NewImage", prefix: "", notes: &notes)
        let oldImage = try image(o, "OldImage", prefix: "", notes: &notes)
        let changeType = newImage == nil ? "REMOVE" : oldImage == nil ? "INSERT" : "MODIFY"
        var record = ChangeRecord(changeType: changeType, source: "export-incremental", precision: "none", keys: keys)
        record.newImage = newImage
        record.oldImage = oldImage
        let stamp = o["Metadata"]?["WriteTimestampMicros"]
        var micros: Int64? = nil
        switch stamp {
        case .object(let typed)?:
            if let n = typed["N"]?.scalarText { micros = Int64(n.trimmingWhitespace) }
        case .number(let n)?, .string(let n)?:
            micros = Int64(n.trimmingWhitespace)
            record.warnings.append("Metadata.WriteTimestampMicros is not a typed {\"N\":…} value")
        default: break
        }
        if let micros, micros >= 0 {
            record.timeMicros = micros
            record.time = Timestamp.format(micros: micros)
            record.precision = "microsecond"
        } else {
            record.warnings.append("Metadata.WriteTimestampMicros \(stamp?.compactText ?? "null") is not a whole number of microseconds; time left unknown")
        }
        record.warnings += notes.messages
        return record
    }

    /// One line of a full DYNAMODB_JSON export: the item as it was at export time. Which
    /// attributes form the key is not in the line, so `keys` stays empty and the whole item is
    /// the new image.
    static func fullExportLine(_ o: JSONObject) throws -> ChangeRecord {
        guard case .object(let item)? = o["Item"] else { throw Failure("export line has no Item object") }
        var notes = AttributeValue.ParseNotes()
        let attributes = try AttributeValue.parseItem(item, path: "Item", notes: &notes)
        var record = ChangeRecord(changeType: "SNAPSHOT", source: "export-full", precision: "none", keys: [])
        record.newImage = attributes
        record.warnings = notes.messages
        return record
    }

    /// `manifest-summary.json` of an export: names the table of every data line of the export.
    static func exportManifest(_ o: JSONObject) throws -> ChangeContext {
        guard let tableArn = o["tableArn"]?.string else { throw Failure("export manifest has no tableArn") }
        guard let table = TableIdentity(dynamoDBARN: tableArn) else {
            throw Failure("export manifest tableArn \(jsonString(tableArn)) is not a DynamoDB table ARN")
        }
        var context = ChangeContext(kind: "export-manifest", table: table)
        context.exportARN = o["exportArn"]?.string
        context.exportTime = Timestamp.normalise(o["exportTime"])
        context.viewType = o["outputView"]?.string
        return context
    }

    /// `aws dynamodbstreams describe-stream` output: names the table of a stream's records and
    /// its key attributes (their types are not in the output).
    static func describeStream(_ o: JSONObject) throws -> ChangeContext {
        guard let d = o["StreamDescription"]?.object else { throw Failure("no StreamDescription object") }
        let arn = d["StreamArn"]?.string
        var table = arn.flatMap { TableIdentity(dynamoDBARN: $0) }
        if table == nil, let name = d["TableName"]?.string { table = TableIdentity(account: "", region: "", name: name) }
        guard let table else { throw Failure("StreamDescription has neither a StreamArn nor a TableName") }
        var context = ChangeContext(kind: "describe-stream", table: table)
        context.streamARN = arn
        context.streamLabel = d["StreamLabel"]?.string
        context.viewType = d["StreamViewType"]?.string
        for element in d["KeySchema"]?.array ?? [] {
            guard let name = element["AttributeName"]?.string, let keyType = element["KeyType"]?.string else { continue }
            context.keySchema.append((name: name, keyType: keyType, type: nil))
        }
        return context
    }
}
