import Foundation
import Testing

/// The browser on PATH, if any (chromium or chromium-browser).
let reportBrowser: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for name in ["chromium", "chromium-browser"] {
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
    }
    return nil
}()

@Suite(.serialized) struct ReportCLITests {
    /// `ddbtrail demo` writes the demo case's report and says where.
    static func demoReport() throws -> (dir: String, path: String, out: String) {
        let dir = try CLI.temporaryDirectory()
        let result = try CLI.run(["demo"], in: dir)
        #expect(result.status == 0)
        return (dir, dir + "/ddbtrail-demo-report.html", result.out)
    }

    @Test func demoWritesItsReport() throws {
        let (dir, path, out) = try Self.demoReport()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(out.contains("ddbtrail-demo-report.html"))
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("Scan of Orders"))
        for word in ["http:", "https:", "src=\"//", "<script"] { #expect(!html.contains(word), "found \(word)") }
    }

    @Test func reportCommandWritesTheFileAndHonoursTheTableFilter() throws {
        let (dir, _, _) = try Self.demoReport()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(["report", "--db", "ddbtrail-demo.db", "--output", "r.html", "--table", "Customers", "--since", "2026-11-03T00:00:00Z"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        let html = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        #expect(html.contains("Scan of Customers"))
        #expect(!html.contains("Scan of Orders"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.html.partial"))
        let bad = try CLI.run(["report", "--db", "ddbtrail-demo.db", "--output", "x.html", "--since", "yesterday"], in: dir)
        #expect(bad.status == 64)
    }

    @Test(.enabled(if: reportBrowser != nil, "chromium is not on PATH: the headless rendering test is skipped"))
    func chromiumRendersTheDemoReportWithoutErrorsOrRequests() throws {
        let browser = try #require(reportBrowser)
        let (dir, path, _) = try Self.demoReport()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let png = dir + "/shot.png"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--disable-gpu", "--no-sandbox", "--screenshot=\(png)", "--window-size=1400,3000",
                             "--enable-logging=stderr", "--v=0", "--user-data-dir=\(dir)/profile", "file://\(path)"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(log)")
        let size = (try FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0
        // A blank 1400x3000 page compresses to a few kB; the demo report is hundreds.
        #expect(size > 100_000, "screenshot only \(size) bytes")
        for bad in ["Uncaught", "ERROR:CONSOLE", "http://", "https://"] { #expect(!log.contains(bad), "log has \(bad): \(log)") }
        try? FileManager.default.copyItem(atPath: png, toPath: NSTemporaryDirectory() + "ddbtrail-report-demo-test.png")
    }

    @Test func theSkipReasonIsRecordedWhenChromiumIsAbsent() {
        // Either chromium runs the test above, or the skip is this explicit fact.
        #expect(reportBrowser != nil || ProcessInfo.processInfo.environment["PATH"].map { !$0.contains("chromium") } == true)
    }
}
