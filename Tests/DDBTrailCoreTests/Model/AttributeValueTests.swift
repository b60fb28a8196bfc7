import Foundation
import Testing
@testable import DDBTrailCore

/// The `Records` array of a change fixture (or the file itself when it is a single record).
private func changeRecords(_ name: String) throws -> [JSONObject] {
    // Fixtures that are copies of the shared samples live in samples/ only.
    let path = FileManager.default.fileExists(atPath: fixture("changes/" + name)) ? fixture("changes/" + name) : fixture("samples/" + name)
    let value = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    if let records = value["Records"]?.array { return records.compactMap(\.object) }
    return [try #require(value.object)]
}

private func image(_ record: JSONObject, _ name: String) throws -> [(String, AttributeValue)] {
    let object = try #require(record["dynamodb"]?[name]?.object)
    return try AttributeValue.parseItem(object, path: name)
}

private func value(_ item: [(String, AttributeValue)], _ name: String) -> AttributeValue? {
    item.first { $0.0 == name }?.1
}

private func typed(_ text: String) throws -> AttributeValue {
    try AttributeValue.parse(try JSONParser.parse(text))
}

private func item(_ text: String) throws -> [(String, AttributeValue)] {
    try AttributeValue.parseItem(try #require(try JSONParser.parse(text).object))
}

/// The error thrown while parsing `text` as an item under `NewImage`.
private func itemError(_ text: String) throws -> AttributeValueError? {
    let object = try #require(try JSONParser.parse(text).object)
    do {
        _ = try AttributeValue.parseItem(object, path: "NewImage")
        return nil
    } catch let error as AttributeValueError {
        return error
    }
}

@Suite struct AttributeValueTests {
    // MARK: parsing real samples

    @Test func motoInsertImageHasEveryTypeWithExactValues() throws {
        let records = try changeRecords("ddbstreams_getrecords_moto_raw.json")
        #expect(records.count == 4)
        let new = try image(records[0], "NewImage")
        #expect(new.map(\.0) == ["Artist", "SongTitle", "Price", "Tags", "Cover", "InStock", "Discontinued",
                                 "Tracks", "Plays", "Hashes", "Big"])
        #expect(new.map(\.1.typeName) == ["S", "S", "N", "SS", "B", "BOOL", "NULL", "L", "NS", "BS", "N"])

        guard case .s("No One You Know") = value(new, "Artist") else { Issue.record("Artist"); return }
        guard case .n(let price) = value(new, "Price") else { Issue.record("Price"); return }
        #expect(price == "1.50") // original text kept; moto does not normalise
        guard case .ss(let tags) = value(new, "Tags") else { Issue.record("Tags"); return }
        #expect(tags == ["rock", "indie"])
        guard case .b(let cover) = value(new, "Cover") else { Issue.record("Cover"); return }
        #expect(cover == [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF])
        guard case .bool(true) = value(new, "InStock") else { Issue.record("InStock"); return }
        guard case .null = value(new, "Discontinued") else { Issue.record("Discontinued"); return }
        guard case .l(let tracks) = value(new, "Tracks"), tracks.count == 2,
              case .m(let track) = tracks[0], case .s("bonus") = tracks[1] else { Issue.record("Tracks"); return }
        #expect(track.map(\.0) == ["No", "Len"])
        guard case .n("187.25") = track[1].1 else { Issue.record("Len"); return }
        guard case .ns(let plays) = value(new, "Plays") else { Issue.record("Plays"); return }
        #expect(plays == ["3", "1", "2"])
        guard case .bs(let hashes) = value(new, "Hashes") else { Issue.record("Hashes"); return }
        #expect(hashes == [[1, 2], [3]])
        guard case .n(let big) = value(new, "Big") else { Issue.record("Big"); return }
        #expect(big == "12345678901234567890123456789012345678")

        // Every image and key map in the file reads without leniency.
        for record in records {
            for name in ["Keys", "NewImage", "OldImage"] {
                guard let object = record["dynamodb"]?[name]?.object else { continue }
                var notes = AttributeValue.ParseNotes()
                _ = try AttributeValue.parseItem(object, path: name, notes: &notes)
                #expect(!notes.lenient, "\(name): \(notes.messages)")
            }
        }
    }

    @Test func awsLambdaGoSampleParsesOddValuesLeniently() throws {
        let records = try changeRecords("lambda_ddbstreams_event_awslambdago.json")
        #expect(records.count == 2)
        let object = try #require(records[1]["dynamodb"]?["NewImage"]?.object)
        var notes = AttributeValue.ParseNotes()
        let new = try AttributeValue.parseItem(object, path: "NewImage", notes: &notes)
        #expect(new.count == 17)
        #expect(Set(new.map(\.1.typeName)) == Set(AttributeValue.typeNames))

        // "test" happens to be well-formed base64 (three bytes), so it decodes without a note.
        guard case .b(let b2) = value(new, "b2") else { Issue.record("b2"); return }
        #expect(b2 == [0xB5, 0xEB, 0x2D])
        guard case .b(let binary) = value(new, "Binary") else { Issue.record("Binary"); return }
        #expect(binary == [0x00, 0x01, 0x2A, 0x41])
        guard case .ss(let empty) = value(new, "EmptyStringSet") else { Issue.record("EmptyStringSet"); return }
        #expect(empty.isEmpty)
        guard case .ns(let numbers) = value(new, "NumberSet") else { Issue.record("NumberSet"); return }
        #expect(numbers == ["1234", "567.8"])
        guard case .m(let map) = value(new, "Map") else { Issue.record("Map"); return }
        #expect(map.map(\.0) == ["Name", "Age"])

        // The set with a repeated element equals the same set written once.
        #expect(value(new, "asdf2") == .bs([[0x41, 0x2A, 0x01, 0x00], [0x00, 0x01, 0x2A, 0x41]]))
        #expect(value(new, "BinarySet") == .bs([[0x00, 0x01, 0x2A, 0x41]]))

        #expect(notes.lenient)
        #expect(notes.messages.contains("NewImage.EmptyStringSet: empty SS (DynamoDB sets cannot be empty)"))
        #expect(notes.messages.contains("NewImage.asdf2: BS has duplicate elements"))
        #expect(notes.messages.contains("NewImage.BinarySet: BS has duplicate elements"))
        #expect(notes.messages.count == 3, "\(notes.messages)")
    }

    @Test func javaLambdaSamplesParseAndDiff() throws {
        let single = try changeRecords("aws_lambda_java_libs_dynamo_ddb_stream_record.json")
        #expect(single.count == 1)
        let diff = ItemDiff.between(old: try image(single[0], "OldImage"), new: try image(single[0], "NewImage"))
        #expect(diff.changed.map(\.path) == ["Message"])
        #expect(diff.added.isEmpty && diff.removed.isEmpty)

        let big = try changeRecords("powertools_lambda_java_dynamo_event_big.json")
        #expect(big.count == 12)
        var images = 0
        for record in big {
            for name in ["Keys", "NewImage", "OldImage"] {
                guard record["dynamodb"]?[name]?.object != nil else { continue }
                let parsed = try image(record, name)
                #expect(value(parsed, "Id") == .n("101"))
                images += 1
            }
        }
        #expect(images == 12 + 8 + 8)
    }

    // MARK: tolerated and rejected spellings

    @Test func toleratedSpellingsAreAcceptedAndNoted() throws {
        let object = try #require(try JSONParser.parse(#"""
            {"a":{"NULL":"true"},"b":{"BOOL":"false"},"c":{"N":1.4285376E9},"d":{"NS":[1,"2.50"]},
             "e":{"B":"%%not base64%%"},"f":{"NS":[]},"g":{"BS":[]},"h":{"B":"AQI"}}
            """#).object)
        var notes = AttributeValue.ParseNotes()
        let parsed = try AttributeValue.parseItem(object, path: "Item", notes: &notes)
        guard case .null = parsed[0].1 else { Issue.record("NULL"); return }
        guard case .bool(false) = parsed[1].1 else { Issue.record("BOOL"); return }
        guard case .n(let n) = parsed[2].1 else { Issue.record("N"); return }
        #expect(n == "1.4285376E9") // exact text of the JSON number
        guard case .ns(let ns) = parsed[3].1 else { Issue.record("NS"); return }
        #expect(ns == ["1", "2.50"])
        guard case .b(let raw) = parsed[4].1 else { Issue.record("B"); return }
        #expect(raw == Array("%%not base64%%".utf8))
        guard case .ns([]) = parsed[5].1, case .bs([]) = parsed[6].1 else { Issue.record("empty sets"); return }
        #expect(parsed[7].1 == .b([1, 2]))
        #expect(notes.messages == [
            "Item.a: NULL given as a string",
            "Item.b: BOOL given as a string",
            "Item.c: N given as a JSON number",
            "Item.d[0]: NS element given as a JSON number",
            "Item.e: binary is not base64; kept as its UTF-8 bytes",
            "Item.f: empty NS (DynamoDB sets cannot be empty)",
            "Item.g: empty BS (DynamoDB sets cannot be empty)",
            "Item.h: binary is not in standard padded base64",
        ])
    }

    @Test func malformedValuesAreRejectedWithTheirPath() throws {
        let nested = #"{"addresses":{"L":[{"S":"a"},{"S":"b"},{"M":{"zip":%@}}]}}"#
        func rejected(_ zip: String) throws -> String {
            let error = try #require(try itemError(nested.replacingOccurrences(of: "%@", with: zip)))
            #expect(error.path == "NewImage.addresses[2].zip")
            return error.description
        }
        #expect(try rejected(#"{"S":"1","N":"1"}"#).hasPrefix("NewImage.addresses[2].zip: typed value object has 2 keys"))
        #expect(try rejected("{}") == "NewImage.addresses[2].zip: typed value object has no type key")
        #expect(try rejected(#"{"X":"1"}"#) == #"NewImage.addresses[2].zip: unknown type key "X""#)
        #expect(try rejected(#"{"N":"12a"}"#) == #"NewImage.addresses[2].zip: N "12a" is not a decimal number"#)
        #expect(try rejected(#"{"BOOL":1}"#).hasPrefix("NewImage.addresses[2].zip: BOOL must be true or false"))
        #expect(try rejected(#"{"NULL":null}"#).hasPrefix("NewImage.addresses[2].zip: NULL must be true"))
        #expect(try rejected(#"{"M":[]}"#).hasPrefix("NewImage.addresses[2].zip: M must be an object"))
        #expect(try rejected(#"{"L":{}}"#).hasPrefix("NewImage.addresses[2].zip: L must be an array"))
        #expect(try rejected(#""plain""#).hasPrefix("NewImage.addresses[2].zip: expected a typed value object"))

        // Set elements are addressed by index; names that need it are quoted.
        let setError = try #require(try itemError(#"{"my tags":{"SS":["a",{"S":"b"}]}}"#))
        #expect(setError.description.hasPrefix(#"NewImage."my tags"[1]: SS element must be a string"#))
        let bsError = try #require(try itemError(#"{"a.b":{"BS":["AQI=",7]}}"#))
        #expect(bsError.path == #"NewImage."a.b"[1]"#)
    }

    // MARK: equality

    @Test func numbersCompareAsDecimals() throws {
        #expect(AttributeValue.n("1.50") == .n("1.5"))
        #expect(AttributeValue.n("1E2") == .n("100"))
        #expect(AttributeValue.n("+0.0100") == .n("1e-2"))
        #expect(AttributeValue.n("-0") == .n("0"))
        #expect(AttributeValue.n("1.5") != .n("1.51"))
        #expect(AttributeValue.n("-1") != .n("1"))
        // 38 significant digits: equal as Double, different as DynamoDB numbers.
        let long = "0.10000000000000000000000000000000000001"
        #expect(Double("0.1") == Double(long))
        #expect(AttributeValue.n("0.1") != .n(long))
        #expect(!AttributeValue.n("0.1").isEqual(to: .n(long)))
        #expect(AttributeValue.n("99999999999999999999999999999999999999") != .n("99999999999999999999999999999999999998"))
        // A number is never equal to the same text as a string.
        #expect(AttributeValue.n("1") != .s("1"))
    }

    @Test func setsCompareInAnyOrderIgnoringDuplicates() throws {
        #expect(AttributeValue.ss(["rock", "indie"]) == .ss(["indie", "rock", "rock"]))
        #expect(AttributeValue.ss(["rock"]) != .ss(["rock", "indie"]))
        #expect(AttributeValue.ns(["3", "1", "2"]) == .ns(["1.0", "2", "3E0"]))
        #expect(AttributeValue.ns(["3", "1", "2"]) != .ns(["1", "2", "4"]))
        #expect(AttributeValue.bs([[1, 2], [3]]) == .bs([[3], [1, 2]]))
        #expect(AttributeValue.bs([[1, 2], [3]]) != .bs([[3], [2, 1]]))
        #expect(try typed(#"{"SS":["b","a"]}"#) == typed(#"{"SS":["a","b"]}"#))
        // Lists keep order.
        #expect(AttributeValue.l([.s("a"), .s("b")]) != .l([.s("b"), .s("a")]))
        // Maps ignore member order but not values.
        #expect(AttributeValue.m([("a", .n("1")), ("b", .s("x"))]) == .m([("b", .s("x")), ("a", .n("1.0"))]))
        #expect(AttributeValue.m([("a", .n("1"))]) != .m([("a", .n("1")), ("b", .null)]))
        #expect(AttributeValue.m([("a", .n("1"))]) != .m([("a", .n("2"))]))
    }

    @Test func binaryComparesByBytes() throws {
        #expect(try typed(#"{"B":"AQI="}"#) == .b([1, 2]))
        #expect(try typed(#"{"B":"AQI="}"#) == typed(#"{"B":"AQI"}"#)) // unpadded spelling, same bytes
        #expect(try typed(#"{"B":"AQI="}"#) != typed(#"{"B":"AQM="}"#))
        #expect(try typed(#"{"B":"AQI="}"#) != typed(#"{"S":"AQI="}"#))
        #expect(try typed(#"{"BS":["AQI=","Aw=="]}"#) == typed(#"{"BS":["Aw","AQI="]}"#))
        // Strings compare by their bytes, not by Unicode canonical equivalence.
        #expect(AttributeValue.s("\u{E9}") != .s("e\u{301}"))
    }

    // MARK: serialisation

    @Test func plainJSONIsValidAndKeepsLongNumbersExactly() throws {
        let long = "0.10000000000000000000000000000000000001"
        let parsed = try item(#"""
            {"id":{"S":"a\"b"},"price":{"N":"12.50"},"big":{"N":"\#(long)"},"blob":{"B":"AQI="},
             "ok":{"BOOL":true},"gone":{"NULL":true},
             "nested":{"M":{"z":{"L":[{"N":"1E2"},{"SS":["x","y"]},{"M":{}}]},"a":{"NS":["-0.50","7"]}}},
             "hashes":{"BS":["AQI=","Aw=="]}}
            """#)
        let plain = AttributeValue.plainJSON(item: parsed)
        #expect(plain == #"{"id":"a\"b","price":12.5,"big":\#(long),"blob":"AQI=","ok":true,"gone":null,"#
            + #""nested":{"z":[100,["x","y"],{}],"a":[-0.5,7]},"hashes":["AQI=","Aw=="]}"#)
        let object = try JSONSerialization.jsonObject(with: Data(plain.utf8)) as? [String: Any]
        #expect(object?.count == 8)
        #expect(plain.contains(":" + long + ","))
        #expect(AttributeValue.n("12345678901234567890123456789012345678").plainJSON == "12345678901234567890123456789012345678")
        #expect(AttributeValue.n("1E-5").plainJSON == "0.00001")

        // typedJSON is canonical: equal values print the same, different values differently.
        let a = try typed(#"{"M":{"b":{"NS":["2","10","1.0"]},"a":{"SS":["y","x","x"]},"c":{"B":"AQI"}}}"#)
        let b = try typed(#"{"M":{"a":{"SS":["x","y"]},"c":{"B":"AQI="},"b":{"NS":["1","10","2.0"]}}}"#)
        #expect(a == b)
        #expect(a.typedJSON == #"{"M":{"a":{"SS":["x","y"]},"b":{"NS":["1","2","10"]},"c":{"B":"AQI="}}}"#)
        #expect(a.typedJSON == b.typedJSON)
        #expect(AttributeValue.ns(["-1", "-10", "0.5", "-0.25"]).typedJSON == #"{"NS":["-10","-1","-0.25","0.5"]}"#)
        #expect(try typed(a.typedJSON) == a)
    }

    // MARK: diff

    @Test func motoModifyChangesOnlyThePrice() throws {
        let records = try changeRecords("ddbstreams_getrecords_moto_raw.json")
        let modify = records[1]
        #expect(modify["eventName"]?.string == "MODIFY")
        let diff = ItemDiff.between(old: try image(modify, "OldImage"), new: try image(modify, "NewImage"))
        #expect(diff.changed.map(\.path) == ["Price"])
        #expect(diff.added.isEmpty && diff.removed.isEmpty && !diff.isEmpty)
        #expect(diff.changed.first?.old == .n("1.5"))
        #expect(diff.changed.first?.new == .n("2.49"))
        #expect(diff.json == #"{"added":{},"removed":{},"changed":{"Price":{"old":1.5,"new":2.49}}}"#)

        // INSERT: everything added; REMOVE: everything removed; same image: no difference.
        let insert = ItemDiff.between(old: nil, new: try image(records[0], "NewImage"))
        #expect(insert.added.map(\.path) == ["Artist", "Big", "Cover", "Discontinued", "Hashes", "InStock",
                                             "Plays", "Price", "SongTitle", "Tags", "Tracks"])
        #expect(insert.removed.isEmpty && insert.changed.isEmpty)
        let remove = ItemDiff.between(old: try image(records[3], "OldImage"), new: nil)
        #expect(remove.removed.count == 11 && remove.added.isEmpty)
        #expect(remove.removed.first { $0.path == "Price" }?.old == .n("2.49"))
        #expect(ItemDiff.between(old: try image(records[0], "NewImage"), new: try image(records[0], "NewImage")).isEmpty)
    }

    @Test func respelledImageHasNoDifference() throws {
        let old = try item(#"{"p":{"N":"1.50"},"t":{"SS":["rock","indie"]},"n":{"NS":["3","1","2"]},"m":{"M":{"x":{"N":"1"},"y":{"S":"a"}}}}"#)
        let new = try item(#"{"m":{"M":{"y":{"S":"a"},"x":{"N":"1.0"}}},"n":{"NS":["1","2","3"]},"t":{"SS":["indie","rock"]},"p":{"N":"15E-1"}}"#)
        let diff = ItemDiff.between(old: old, new: new)
        #expect(diff.isEmpty)
        #expect(diff.json == #"{"added":{},"removed":{},"changed":{}}"#)
    }

    @Test func nestedMapsReportQuotedPaths() throws {
        let old = try item(#"""
            {"id":{"S":"1"},
             "a.b":{"M":{"x y":{"N":"1"},"plain":{"S":"same"},"old only":{"BOOL":true},
                         "deep":{"M":{"q\"r":{"S":"before"}}},"list":{"L":[{"N":"1"},{"N":"2"}]}}},
             "tags":{"SS":["a","b"]},"gone":{"NULL":true},"kind":{"M":{"v":{"N":"1"}}}}
            """#)
        let new = try item(#"""
            {"id":{"S":"1"},
             "a.b":{"M":{"x y":{"N":"2"},"plain":{"S":"same"},"new[0]":{"S":"n"},
                         "deep":{"M":{"q\"r":{"S":"after"}}},"list":{"L":[{"N":"2"},{"N":"1"}]}}},
             "tags":{"SS":["b","c"]},"added":{"N":"5"},"kind":{"S":"flat now"}}
            """#)
        let diff = ItemDiff.between(old: old, new: new)
        #expect(diff.changed.map(\.path) == [
            #""a.b"."x y""#, #""a.b".deep."q\"r""#, #""a.b".list"#, "kind", "tags",
        ])
        #expect(diff.added.map(\.path) == [#""a.b"."new[0]""#, "added"])
        #expect(diff.removed.map(\.path) == [#""a.b"."old only""#, "gone"])
        // The list is one whole change, not per element.
        let list = try #require(diff.changed.first { $0.path == #""a.b".list"# })
        #expect(list.old == .l([.n("1"), .n("2")]) && list.new == .l([.n("2"), .n("1")]))
        // A map replaced by another type is a change at the map itself.
        #expect(diff.changed.first { $0.path == "kind" }?.new == .s("flat now"))

        let json = diff.json
        #expect(json == #"{"added":{"\"a.b\".\"new[0]\"":"n","added":5},"#
            + #""removed":{"\"a.b\".\"old only\"":true,"gone":null},"#
            + #""changed":{"\"a.b\".\"x y\"":{"old":1,"new":2},"\"a.b\".deep.\"q\\\"r\"":{"old":"before","new":"after"},"#
            + #""\"a.b\".list":{"old":[1,2],"new":[2,1]},"kind":{"old":{"v":1},"new":"flat now"},"#
            + #""tags":{"old":["a","b"],"new":["b","c"]}}}"#)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [String: Any]]
        #expect(decoded?["changed"]?.keys.contains(#""a.b".deep."q\"r""#) == true)
    }

    @Test func pathQuotingRules() {
        #expect(AttributePath.member("", "plain_name-1") == "plain_name-1")
        #expect(AttributePath.member("", "a.b") == #""a.b""#)
        #expect(AttributePath.member("", "") == #""""#)
        #expect(AttributePath.member("m", "x]") == #"m."x]""#)
        #expect(AttributePath.member("m", "tab\there") == #"m."tab\there""#)
        #expect(AttributePath.member("m", "#:ok") == "m.#:ok")
        #expect(AttributePath.index(AttributePath.member("", "l"), 3) == "l[3]")
    }
}
