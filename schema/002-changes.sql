-- ddbtrail case database, migration 002: DynamoDB change records (streams, Lambda and Kinesis
-- deliveries, exports) and their attribution to the CloudTrail calls that caused them.

-- Files that name the table of change records which do not name it themselves: describe-stream
-- output beside GetRecords pages, an export's manifest-summary.json.
CREATE TABLE change_contexts (
    id             INTEGER PRIMARY KEY,
    source_file_id INTEGER NOT NULL REFERENCES source_files(id),
    kind           TEXT NOT NULL,     -- describe-stream | export-manifest
    table_id       INTEGER NOT NULL REFERENCES ddb_tables(id),
    stream_arn     TEXT,
    stream_label   TEXT,
    view_type      TEXT,
    export_arn     TEXT,
    export_time    TEXT,              -- full exports: the snapshot instant
    directory      TEXT NOT NULL      -- folder of the file: change files in it (or below it) belong to this table
);

-- One row per change to one item, stored once however many deliveries repeat it.
CREATE TABLE changes (
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
    record_line             INTEGER,
    raw                     TEXT NOT NULL     -- the change record byte-exact
);
CREATE INDEX changes_by_key ON changes(item_key, table_id);
CREATE INDEX changes_by_table_time ON changes(table_id, change_time_us);

-- Why each change has (or has no) CloudTrail cause. Recomputed whenever either side arrives.
CREATE TABLE change_attributions (
    change_id      INTEGER PRIMARY KEY REFERENCES changes(id),
    event_id       INTEGER REFERENCES events(id),        -- the call that caused it, when one is named
    item_access_id INTEGER REFERENCES item_accesses(id), -- the item of that call (batch/transaction member)
    method         TEXT NOT NULL,  -- matched | ttl | no-data-events | no-candidate | ambiguous | snapshot | table-unknown
    confidence     REAL NOT NULL,  -- 0 to 1; 0 when no call is named
    candidates     INTEGER NOT NULL DEFAULT 0, -- calls that fit the table, key, time window and operation
    reason         TEXT NOT NULL   -- in words, for the report
);
CREATE INDEX change_attributions_by_event ON change_attributions(event_id);
CREATE INDEX change_attributions_by_method ON change_attributions(method);

-- Per table, the span of its DynamoDB data events (calls with item_accesses rows), kept up to
-- date by imports: outside it no CloudTrail cause of a change can be expected in the evidence.
CREATE TABLE data_event_coverage (
    table_id         INTEGER PRIMARY KEY REFERENCES ddb_tables(id),
    first_data_event TEXT,
    last_data_event  TEXT
);
INSERT INTO data_event_coverage
SELECT a.table_id, min(e.event_time), max(e.event_time)
FROM item_accesses a JOIN events e ON e.id = a.event_id GROUP BY a.table_id;

ALTER TABLE import_errors ADD COLUMN change_id INTEGER REFERENCES changes(id);
