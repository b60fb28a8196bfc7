-- ddbtrail case database, migration 005: offline validation of CloudTrail digest chains.
-- The public keys and digest signatures collected with the evidence, and what checking every
-- digest and log file against them found (recomputed after every import; `ddbtrail verify`).

-- `aws cloudtrail list-public-keys` output: the keys CloudTrail signs digests with.
CREATE TABLE public_keys (
    fingerprint    TEXT NOT NULL,   -- as listed (hex); digests name their key by it
    value          BLOB NOT NULL,   -- DER: PKCS#1 RSAPublicKey or X.509 SubjectPublicKeyInfo
    validity_start TEXT,            -- UTC
    validity_end   TEXT,
    source_file_id INTEGER NOT NULL REFERENCES source_files(id),
    PRIMARY KEY (fingerprint, value)
) WITHOUT ROWID;

-- A digest's S3 user metadata saved beside it (DIGEST.metadata.json): the bare metadata object or
-- an `aws s3api head-object` output. Only the newest digest of a chain needs one: the others'
-- signatures are in the next digest (previousDigestSignature).
CREATE TABLE digest_signatures (
    source_file_id      INTEGER PRIMARY KEY REFERENCES source_files(id), -- the metadata file
    digest_path         TEXT NOT NULL,   -- the digest it lies beside: its own path without ".metadata.json"
    signature           TEXT NOT NULL,   -- hex
    signature_algorithm TEXT
);

-- Integrity of each CloudTrail log file and digest file, from the checks below: verified (a digest
-- whose signature verified lists it with this hash; for a digest: its signature verified) | listed
-- (a digest lists it with this hash, but that digest's signature could not be checked) | modified |
-- moved | not-listed | unverifiable; NULL for other evidence.
ALTER TABLE source_files ADD COLUMN integrity TEXT;

-- One row per finding of the checks (README, "Verifying the evidence"): status failed (evidence of
-- tampering or loss), unverifiable (cannot be checked) or ok.
CREATE TABLE integrity_findings (
    id             INTEGER PRIMARY KEY,
    status         TEXT NOT NULL,
    check_name     TEXT NOT NULL,   -- digest-signature | digest-chain | digest-location | digest-metadata | log-file-hash | log-file-present | log-file-location | log-file-listed | conflicting-copy
    account_id     TEXT,
    region         TEXT,
    trail          TEXT,            -- the digest chain (trail name; backfill chains end in " (backfill)")
    s3_object      TEXT,            -- the S3 key, as digests spell it, of the file the row is about
    source_file_id INTEGER REFERENCES source_files(id), -- that file, when it is in the case
    detail         TEXT NOT NULL
);
CREATE INDEX integrity_findings_by_status ON integrity_findings(status);
