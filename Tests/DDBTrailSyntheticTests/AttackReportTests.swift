import DDBTrailSQLite
import Foundation
import Testing
@testable import DDBTrailCore

/// The HTML report of the attack case: every high or critical finding in it, nothing loaded
/// from the network, small and quick.
@Suite struct AttackReportTests {
    @Test func everyHighFindingIsInTheSelfContainedReport() throws {
        let c = try AttackCaseTests.imported.get()
        let db = try CaseDatabase.openForQuery(path: c.dbPath)
        let sink = StringOutputSink()
        var settings = ReportSettings()
        settings.casePath = c.dbPath
        settings.generatedAt = "2026-12-01T00:00:00Z"
        let clock = ContinuousClock.now
        try CaseReport.write(db, catalog: QueryCatalog(), settings: settings, sink: sink)
        let elapsed = ContinuousClock.now - clock
        let html = sink.text
        let findings = try Detections.run(db, catalog: QueryCatalog(), settings: .init(), minimumSeverity: "high")
        #expect(findings.count >= 5)
        for f in findings {
            let title = f[ReportContext.column("title")].stringValue ?? ""
            #expect(html.contains(HTMLText.escape(title)), "missing finding: \(title)")
        }
        for word in ["http:", "https:", "src=\"//", "<script src", "url("] { #expect(!html.contains(word), "found \(word)") }
        for id in ["overview", "timeline", "findings", "principals", "import-problems", "provenance"] {
            #expect(html.contains("<section id=\"\(id)\">"))
        }
        #expect(html.contains("<svg class=\"plot\""))
        #expect(html.contains(c.truth.leakedAccessKeyId))
        #expect(html.contains("@media print"))
        #expect(html.utf8.count < 25_000_000)
        #expect(elapsed < .seconds(60))
        let out = NSTemporaryDirectory() + "ddbtrail-attack-report.html"
        try html.write(toFile: out, atomically: true, encoding: .utf8)
        print("attack report: \(html.utf8.count) bytes in \(elapsed), \(out)")
    }
}
