-- ddbtrail case database, migration 001: evidence files, CloudTrail events, principals,
-- DynamoDB item accesses, table references, key schemas, digest catalogue, import errors.
--
-- Conventions: every time is UTC text 'YYYY-MM-DDTHH:MM:SSZ' (a fraction only when the source
-- had one), so text order is time order. Booleans are 0/1. Every evidence row leads back to
-- source_files (by id) and to its record position in that file.

-- One row per evidence file read (or standard input).
CREATE TABLE source_files (
    id                  INTEGER PRIMARY KEY,
    path                TEXT NOT NULL,      -- path as given or found while walking a directory; '-' = stdin
    size                INTEGER,            -- bytes as stored
    sha256              TEXT UNIQUE,        -- SHA-256 (lower-case hex) of the bytes as stored: the file's identity
    content_sha256      TEXT,               -- SHA-256 of the decompressed bytes (what CloudTrail digests list)
    content_size        INTEGER,            -- decompressed bytes
    compression         TEXT NOT NULL,      -- 'gzip' or 'none' (detected from content)
    format              TEXT,               -- reader that took the file (e.g. 'cloudtrail-log-file'), NULL if none
    status              TEXT NOT NULL,      -- importing | imported | digest | empty | unsupported | unrecognised | unreadable
    status_detail       TEXT,               -- why, for every status but imported
    records_read        INTEGER NOT NULL DEFAULT 0, -- elements cut from the file
    records_imported    INTEGER NOT NULL DEFAULT 0, -- stored as new events
    records_duplicate   INTEGER NOT NULL DEFAULT 0, -- already stored (same event id and recipient account)
    records_rejected    INTEGER NOT NULL DEFAULT 0, -- not importable; each has an import_errors row
    import_started_at   TEXT NOT NULL,
    import_finished_at  TEXT                -- NULL while importing (an interrupted import resumes)
);

-- One row per distinct identity behind calls (all columns together are the identity).
CREATE TABLE principals (
    id                   INTEGER PRIMARY KEY,
    identity_key         TEXT NOT NULL UNIQUE, -- the columns below joined; used to store each identity once
    type                 TEXT,   -- userIdentity.type: IAMUser, AssumedRole, Root, AWSService, …
    arn                  TEXT,
    account_id           TEXT,   -- account owning the principal
    principal_id         TEXT,   -- e.g. AROA…:session
    user_name            TEXT,   -- IAM user / federated user name (from userName or the ARN)
    role_name            TEXT,   -- role of an assumed-role session
    session_name         TEXT,   -- role session name
    access_key_id        TEXT,   -- AKIA… long-term, ASIA… temporary
    source_identity      TEXT,   -- sessionContext.sourceIdentity
    identity_center_user TEXT,   -- onBehalfOf.userId
    invoked_by           TEXT,   -- service that made the call on the principal's behalf
    session_issuer_arn   TEXT,   -- sessionContext.sessionIssuer.arn (the role or user that issued the session)
    identity_provider    TEXT    -- SAML / web identity provider
);
CREATE INDEX principals_by_access_key ON principals(access_key_id);
CREATE INDEX principals_by_arn ON principals(arn);

-- One row per CloudTrail record, stored once however many files repeat it.
CREATE TABLE events (
    id                   INTEGER PRIMARY KEY,
    dedupe_key           BLOB NOT NULL UNIQUE, -- first 16 bytes of SHA-256 of eventID '|' recipientAccountId, or of the raw record when it has no eventID
    event_id             TEXT,    -- eventID
    event_time           TEXT,    -- eventTime normalised to UTC; NULL if missing or unreadable (an import_errors warning says so)
    event_version        TEXT,
    event_source         TEXT,    -- e.g. dynamodb.amazonaws.com
    event_name           TEXT,    -- API action
    event_type           TEXT,    -- AwsApiCall, AwsServiceEvent, …
    event_category       TEXT,    -- Management, Data, NetworkActivity, Insight (from managementEvent when absent)
    read_only            INTEGER, -- readOnly (0/1)
    management_event     INTEGER,
    aws_region           TEXT,
    recipient_account_id TEXT,
    request_id           TEXT,
    shared_event_id      TEXT,
    source_ip            TEXT,    -- sourceIPAddress: an IP, a service name, or 'AWS Internal'
    user_agent           TEXT,
    error_code           TEXT,    -- NULL when the call succeeded
    error_message        TEXT,
    vpc_endpoint_id      TEXT,
    principal_id         INTEGER REFERENCES principals(id),
    source_file_id       INTEGER NOT NULL REFERENCES source_files(id), -- first file it was read from
    record_index         INTEGER NOT NULL, -- 0-based position of the record's element in that file
    record_offset        INTEGER NOT NULL, -- byte offset of the element in the decompressed file
    record_length        INTEGER NOT NULL, -- bytes of the element in the file
    record_line          INTEGER,          -- 1-based line, for line-oriented files
    raw                  TEXT NOT NULL     -- the record byte-exact (for wrapped formats: the embedded record as delivered)
);
CREATE INDEX events_by_time ON events(event_time);
CREATE INDEX events_by_principal ON events(principal_id);

-- Further copies of an already stored event (same event in several files or positions).
CREATE TABLE event_copies (
    event_id       INTEGER NOT NULL REFERENCES events(id),
    source_file_id INTEGER NOT NULL REFERENCES source_files(id),
    record_index   INTEGER NOT NULL,
    record_offset  INTEGER NOT NULL,
    record_length  INTEGER NOT NULL,
    PRIMARY KEY (source_file_id, record_index)
) WITHOUT ROWID;

-- DynamoDB tables, normalised to (account, region, name) from names and ARNs alike.
CREATE TABLE ddb_tables (
    id         INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    region     TEXT NOT NULL,
    name       TEXT NOT NULL,
    UNIQUE (account_id, region, name)
);
CREATE INDEX ddb_tables_by_name ON ddb_tables(name);

-- One row per (event, table, item) a DynamoDB data-plane call touched. Batch and transaction
-- members each get a row; Query and Scan get one row with no key.
CREATE TABLE item_accesses (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES events(id),
    table_id        INTEGER NOT NULL REFERENCES ddb_tables(id),
    operation       TEXT NOT NULL, -- the API (GetItem, PutItem, Query, …) or, in batches/transactions, Put/Update/Delete/ConditionCheck/Get; PartiQL: SELECT/INSERT/UPDATE/DELETE
    item_position   INTEGER,       -- 0-based position within a batch/transaction/PartiQL batch
    item_key        TEXT,          -- canonical key: JSON object, attributes sorted, every value a string (numbers normalised, binary as base64); NULL = no key known
    key_raw         TEXT,          -- the key as logged (compact JSON)
    attribute_names TEXT,          -- attribute names the request declared (PutItem item list, update expression and names), JSON
    index_name      TEXT           -- Query/Scan/PartiQL index
);
CREATE INDEX item_accesses_by_key ON item_accesses(item_key, table_id);
CREATE INDEX item_accesses_by_event ON item_accesses(event_id);

-- Tables a call referred to, by the member that named them, for every call that has no
-- item_accesses rows (control-plane calls, stream reads, failed parses of PartiQL).
CREATE TABLE table_references (
    event_id INTEGER NOT NULL REFERENCES events(id),
    table_id INTEGER NOT NULL REFERENCES ddb_tables(id),
    role     TEXT NOT NULL,  -- tableName, targetTableName, backupArn, resourceArn, shardIterator, resources, …
    PRIMARY KEY (event_id, table_id, role)
) WITHOUT ROWID;
CREATE INDEX table_references_by_table ON table_references(table_id);

-- Key schemas learned from CreateTable requests and table descriptions in responses.
CREATE TABLE key_schemas (
    table_id         INTEGER NOT NULL REFERENCES ddb_tables(id),
    attribute_name   TEXT NOT NULL,
    key_type         TEXT NOT NULL,  -- HASH or RANGE
    attribute_type   TEXT,           -- S, N or B when the record said
    learned_from     INTEGER REFERENCES events(id),
    PRIMARY KEY (table_id, attribute_name)
) WITHOUT ROWID;

-- CloudTrail digest files, catalogued for offline integrity validation.
CREATE TABLE digest_files (
    id                            INTEGER PRIMARY KEY,
    source_file_id                INTEGER NOT NULL UNIQUE REFERENCES source_files(id),
    aws_account_id                TEXT,
    digest_start_time             TEXT,
    digest_end_time               TEXT,
    digest_s3_bucket              TEXT,
    digest_s3_object              TEXT,
    public_key_fingerprint        TEXT,
    signature_algorithm           TEXT,
    newest_event_time             TEXT,
    oldest_event_time             TEXT,
    previous_digest_s3_bucket     TEXT,
    previous_digest_s3_object     TEXT,
    previous_digest_hash_value    TEXT,
    previous_digest_hash_algorithm TEXT,
    previous_digest_signature     TEXT,
    log_file_count                INTEGER NOT NULL
);

-- The log files each digest lists, with their expected hashes.
CREATE TABLE digest_log_files (
    digest_id          INTEGER NOT NULL REFERENCES digest_files(id),
    position           INTEGER NOT NULL,
    s3_bucket          TEXT,
    s3_object          TEXT,
    hash_value         TEXT,   -- hex SHA-256 of the decompressed log file: compare with source_files.content_sha256
    hash_algorithm     TEXT,
    newest_event_time  TEXT,
    oldest_event_time  TEXT,
    PRIMARY KEY (digest_id, position)
) WITHOUT ROWID;
CREATE INDEX digest_log_files_by_hash ON digest_log_files(hash_value);

-- Everything that could not be imported, and field problems in imported records.
CREATE TABLE import_errors (
    id             INTEGER PRIMARY KEY,
    source_file_id INTEGER NOT NULL REFERENCES source_files(id),
    severity       TEXT NOT NULL,  -- 'error' (record or rest of file not imported) or 'warning' (imported, with a problem)
    record_index   INTEGER,        -- NULL for file-level problems
    record_offset  INTEGER,
    record_line    INTEGER,
    event_id       INTEGER REFERENCES events(id), -- the imported event a warning is about
    reason         TEXT NOT NULL,
    excerpt        BLOB            -- up to 512 bytes of the offending input
);
CREATE INDEX import_errors_by_file ON import_errors(source_file_id);
