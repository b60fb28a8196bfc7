-- ddbtrail case database, migration 009: the case keeps each evidence file once, as it was
-- delivered, and reads every record's bytes out of it, instead of holding a copy of each
-- record's text in its row (events.raw and changes.raw are gone).
--
-- A gzip file is kept byte for byte; a plain file is kept deflated by ddbtrail (a gzip stream
-- with a full flush every 512 KiB of content). Records are addressed as before: source_file_id and
-- record_offset/record_length in the file's decompressed content. Reading one decompresses from
-- the access point before it, so any record comes back in milliseconds even inside a large file.
--
-- Inside ddbtrail (`ddbtrail sql`, queries) the functions event_record(events.id) and
-- change_record(changes.id) return a record's exact bytes as text; other SQLite tools read every
-- other column as before and get record text from `ddbtrail records --out FILE` (a separate
-- SQLite file to ATTACH).

-- How the file's stored copy is encoded: 'as-delivered' (the file's own gzip bytes) or
-- 'deflated' (a plain file, compressed by ddbtrail); NULL: not kept (not imported, or a case
-- written before this migration).
ALTER TABLE source_files ADD COLUMN stored TEXT;

-- The stored copy, in pieces of at most 1 MiB, in order.
CREATE TABLE file_chunks (
    id             INTEGER PRIMARY KEY,
    source_file_id INTEGER NOT NULL REFERENCES source_files(id),
    stored_offset  INTEGER NOT NULL, -- offset of the first byte in the stored copy
    bytes          BLOB NOT NULL
);
CREATE UNIQUE INDEX file_chunks_by_offset ON file_chunks(source_file_id, stored_offset);

-- Where decompression can start without reading what comes before (about one per 512 KiB of content).
CREATE TABLE file_access_points (
    source_file_id INTEGER NOT NULL REFERENCES source_files(id),
    content_offset INTEGER NOT NULL, -- decompressed offset it yields
    stored_offset  INTEGER NOT NULL, -- first stored byte to feed
    bits           INTEGER NOT NULL, -- bits of the byte before stored_offset still to read (0-7)
    window         BLOB,             -- the 32 KiB of content before the point, zlib-compressed; NULL after a full flush
    PRIMARY KEY (source_file_id, content_offset)
) WITHOUT ROWID;

-- Record text kept beside the stored file: records unwrapped from another (an EventBridge
-- detail, a lookup-events CloudTrailEvent string, a CloudWatch Logs message, a Kinesis payload),
-- the calls whose members ddbtrail's own derivations and detections read (STS credential calls,
-- ConsoleLogin, KMS calls, DynamoDB table settings, exports and scans: TextPolicy.swift), and
-- every record of a case written before this migration (moved here from events.raw).
CREATE TABLE event_texts (
    event_id INTEGER PRIMARY KEY REFERENCES events(id),
    raw      TEXT NOT NULL
);
INSERT INTO event_texts(event_id, raw) SELECT id, raw FROM events;

-- events and changes rebuilt without raw (SQLite's DROP COLUMN trips on the comment after it).
CREATE TABLE events_stored (
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
    record_line          INTEGER, -- 1-based line, for line-oriented files
    record_digest        BLOB     -- first 8 bytes of SHA-256 of the record's bytes: a re-delivered copy is told from a changed one without reading the stored file (NULL in cases made before this migration)
);
INSERT INTO events_stored(id, dedupe_key, event_id, event_time, event_version, event_source, event_name, event_type, event_category, read_only, management_event, aws_region, recipient_account_id, request_id, shared_event_id, source_ip, user_agent, error_code, error_message, vpc_endpoint_id, principal_id, source_file_id, record_index, record_offset, record_length, record_line)
    SELECT id, dedupe_key, event_id, event_time, event_version, event_source, event_name, event_type, event_category, read_only, management_event, aws_region, recipient_account_id, request_id, shared_event_id, source_ip, user_agent, error_code, error_message, vpc_endpoint_id, principal_id, source_file_id, record_index, record_offset, record_length, record_line FROM events;
DROP TABLE events;
ALTER TABLE events_stored RENAME TO events;
CREATE INDEX events_by_time ON events(event_time);
CREATE INDEX events_by_principal ON events(principal_id);
CREATE INDEX events_by_identity_call ON events(event_name)
    WHERE event_source IN ('sts.amazonaws.com', 'signin.amazonaws.com');

CREATE TABLE change_texts (
    change_id INTEGER PRIMARY KEY REFERENCES changes(id),
    raw       TEXT NOT NULL
);
INSERT INTO change_texts(change_id, raw) SELECT id, raw FROM changes;

CREATE TABLE changes_stored (
    id                      INTEGER PRIMARY KEY,
    dedupe_key              BLOB NOT NULL UNIQUE, -- 16 bytes of SHA-256 of the stream eventID (of the raw line for exports)
    stream_event_id         TEXT,
    table_id                INTEGER REFERENCES ddb_tables(id), -- NULL while unknown (import_errors says how to supply it)
    item_key                TEXT NOT NULL,    -- canonical key, same form as item_accesses.item_key, so they join
    change_type             TEXT NOT NULL,    -- INSERT | MODIFY | REMOVE | SNAPSHOT (full-export item: state at export time)
    change_time             TEXT,             -- UTC; a fraction only when the source is finer than seconds
    change_time_us          INTEGER,          -- the same instant in microseconds since the epoch
    time_precision          TEXT NOT NULL,    -- second (streams, rounded down) | millisecond | microsecond | none
    sequence_number         TEXT,             -- stream sequence number zero-padded to 40 digits (text order = numeric order)
    shard_id                TEXT,
    stream_arn              TEXT,
    aws_region              TEXT,
    user_identity_type      TEXT,             -- TTL deletions: Service
    user_identity_principal TEXT,             -- TTL deletions: dynamodb.amazonaws.com
    keys                    TEXT NOT NULL,    -- the key as queryable JSON
    old_image               TEXT,             -- queryable JSON; numbers exact, binary base64, sets as arrays
    new_image               TEXT,
    diff                    TEXT,             -- {"added":{path:value},"removed":{path:value},"changed":{path:{"old":…,"new":…}}}
    size_bytes              INTEGER,
    view_type               TEXT,
    source_format           TEXT NOT NULL,    -- dynamodb-streams | lambda-dynamodb | kinesis-dynamodb | export-incremental | export-full
    source_file_id          INTEGER NOT NULL REFERENCES source_files(id),
    record_index            INTEGER NOT NULL,
    record_offset           INTEGER NOT NULL,
    record_length           INTEGER NOT NULL,
    record_line             INTEGER
);
INSERT INTO changes_stored(id, dedupe_key, stream_event_id, table_id, item_key, change_type, change_time, change_time_us, time_precision, sequence_number, shard_id, stream_arn, aws_region, user_identity_type, user_identity_principal, keys, old_image, new_image, diff, size_bytes, view_type, source_format, source_file_id, record_index, record_offset, record_length, record_line)
    SELECT id, dedupe_key, stream_event_id, table_id, item_key, change_type, change_time, change_time_us, time_precision, sequence_number, shard_id, stream_arn, aws_region, user_identity_type, user_identity_principal, keys, old_image, new_image, diff, size_bytes, view_type, source_format, source_file_id, record_index, record_offset, record_length, record_line FROM changes;
DROP TABLE changes;
ALTER TABLE changes_stored RENAME TO changes;
CREATE INDEX changes_by_key ON changes(item_key, table_id);
CREATE INDEX changes_by_table_time ON changes(table_id, change_time_us);
