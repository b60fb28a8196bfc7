/// README.txt of a bundle: what it is and how to check it, for a recipient without ddbtrail.
enum BundleReadme {
    static func text(_ manifest: BundleManifest) -> String {
        var commands = ""
        for (n, command) in manifest.commands.enumerated() {
            commands += "  \(n + 1). \(command.command)\n     exit status \(command.exitStatus), \(command.rows) row(s): "
                + command.results.joined(separator: ", ") + "\n"
        }
        let privacy = manifest.pseudonymised
            ? """
              Pseudonymised: yes. Personal data in the results, the records and the command lines was replaced
              by keyed pseudonyms (the same value always gets the same pseudonym; only the holder of the
              secret can tell what it stands for). The commands cannot be re-run as written, and the records'
              "raw" texts are pseudonymised copies, not the original bytes.
              """
            : """
              Pseudonymised: no. The results and records hold the evidence as it is, personal data included.
              """
        let evidence = manifest.evidenceFiles.isEmpty ? "" :
            "  evidence/                 the original evidence files those records came from, byte for byte\n"
            + "                            (\"evidence_files\" in manifest.json names each one's original path)\n"
        return """
            ddbtrail evidence bundle
            ========================

            Made by ddbtrail \(manifest.toolVersion) at \(manifest.createdAt) from a case database of \(manifest.caseFiles)
            evidence file(s) (case fingerprint, the SHA-256 of their sorted SHA-256s: \(manifest.caseFingerprint)).

            \(privacy)

            Commands run (ddbtrail COMMAND --db CASE --format csv|jsonl):
            \(commands)
            Layout:
              results/                  each command's results as CSV (RFC 4180) and JSON lines
              records/cloudtrail.jsonl  every CloudTrail record the results cite, one JSON object per line:
                                        its source file, that file's SHA-256, the record's position in it,
                                        the file's integrity status, and "raw", the record as stored
              records/changes.jsonl     the same for every cited DynamoDB change record
            \(evidence)  manifest.json             every other file of the bundle with its SHA-256 and size

            Checking it: `ddbtrail bundle verify THIS-FOLDER` reports any file altered, missing or added.
            Without ddbtrail, compare each file's `sha256sum` with manifest.json ("files"), for example:
              jq -r '.files[] | "\\(.sha256)  \\(.path)"' manifest.json | sha256sum -c
            and that the folder holds no file the list leaves out. manifest.json itself is not listed:
            compare its SHA-256 with the one the sender gave you separately.

            """
    }
}
