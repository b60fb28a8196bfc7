/// The report's stylesheet: inline, system fonts only, with print rules.
enum ReportStyle {
    static let css = """
    body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1d232a;background:#fff;margin:0 auto;max-width:1260px;padding:16px 24px}
    h1{font-size:26px;margin:8px 0 2px}h2{font-size:20px;border-bottom:2px solid #d7dde3;padding-bottom:4px;margin-top:32px}
    h3{font-size:16px;margin:20px 0 6px}.sub{color:#4a5561;margin:0 0 8px}
    nav ol{margin:4px 0 0;padding-left:20px;columns:3}nav a{color:#1b5fa8}
    table{border-collapse:collapse;margin:6px 0 10px;font-size:12.5px;max-width:100%}
    th,td{border:1px solid #d7dde3;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
    th{background:#eef2f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
    code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
    code.cmd{display:inline-block;background:#f3f5f7;border:1px solid #dde3e8;border-radius:3px;padding:1px 5px;overflow-wrap:anywhere}
    .more,.empty,.note{color:#4a5561;font-style:italic}
    .finding{border:1px solid #d7dde3;border-left:6px solid #888;border-radius:4px;padding:8px 12px;margin:12px 0;break-inside:avoid}
    .finding.sev-critical{border-left-color:#7b0d1e}.finding.sev-high{border-left-color:#d1242f}
    .finding.sev-medium{border-left-color:#e0861a}.finding.sev-low{border-left-color:#3a7bd5}.finding.sev-info{border-left-color:#8a96a3}
    .finding h3{margin:0 0 4px}.finding dl{display:grid;grid-template-columns:170px 1fr;gap:2px 10px;margin:4px 0}
    .finding dt{color:#4a5561}.finding dd{margin:0;overflow-wrap:anywhere}
    .badge{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;font-size:12px;font-weight:600;text-transform:uppercase;margin-right:6px}
    .badge.sev-critical{background:#7b0d1e}.badge.sev-high{background:#d1242f}.badge.sev-medium{background:#e0861a}
    .badge.sev-low{background:#3a7bd5}.badge.sev-info{background:#8a96a3}
    .plotwrap{overflow-x:auto}svg.plot{max-width:100%;height:auto;font-family:inherit}
    svg .area{fill:#fafbfc;stroke:none}svg .stripe{fill:#f0f3f6}svg .axis{stroke:#56616d;stroke-width:1}svg .tick{stroke:#c9d1d9;stroke-width:1}
    svg .lane{font-size:11px;fill:#1d232a}svg .tlabel{font-size:10.5px;fill:#4a5561}
    svg .bar.k-table{fill:#2f6fb3}svg .bar.k-principal{fill:#5a8f3d}svg .bar.k-key{fill:#6b4fa3}
    svg .band{opacity:.22}svg .band.sev-critical{fill:#7b0d1e;opacity:.35}svg .band.sev-high{fill:#d1242f}svg .band.sev-medium{fill:#e0861a}
    svg .band.sev-low{fill:#3a7bd5;opacity:.15}svg .band.sev-info{fill:#8a96a3}
    .legend span{display:inline-block;margin-right:14px;font-size:12px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
    .ok{color:#1a7f37}.bad{color:#b42318;font-weight:600}
    @media print{body{max-width:none;padding:0;font-size:11px}nav{display:none}a{color:inherit;text-decoration:none}
    section{break-before:auto}h2{break-after:avoid}.finding,table,svg{break-inside:avoid}.plotwrap{overflow:visible}
    *{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
    """
}
