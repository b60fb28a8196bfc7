-- ddbtrail case database, migration 007: CloudWatch metric datapoints (metric streams output,
-- get-metric-data and get-metric-statistics outputs paired with their requests), and the request
-- beside an output as part of that output's identity.

-- A get-metric-data or get-metric-statistics output is evidence only together with the request it
-- answered: two byte-identical outputs (two empty Datapoints lists) answering different requests are
-- different evidence. source_files is rebuilt so that a file's identity is its SHA-256 plus, for
-- such an output, its request's SHA-256 (SQLite cannot drop the old UNIQUE on sha256 in place).
CREATE TABLE source_files_new (
    id                  INTEGER PRIMARY KEY,
    path                TEXT NOT NULL,      -- path as given or found while walking a directory; '-' = stdin
    size                INTEGER,            -- bytes as stored
    sha256              TEXT,               -- SHA-256 (lower-case hex) of the bytes as stored
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
    import_finished_at  TEXT,               -- NULL while importing (an interrupted import resumes)
    integrity           TEXT,               -- see migration 005
    request_sha256      TEXT                -- SHA-256 of the request file paired with a metric output; NULL for other files
);
INSERT INTO source_files_new(id, path, size, sha256, content_sha256, content_size, compression, format, status, status_detail,
    records_read, records_imported, records_duplicate, records_rejected, import_started_at, import_finished_at, integrity)
  SELECT id, path, size, sha256, content_sha256, content_size, compression, format, status, status_detail,
    records_read, records_imported, records_duplicate, records_rejected, import_started_at, import_finished_at, integrity
  FROM source_files;
DROP TABLE source_files;
ALTER TABLE source_files_new RENAME TO source_files;
-- A file's identity: its bytes, and the request it answered when it is a paired metric output.
CREATE UNIQUE INDEX source_files_identity ON source_files(sha256, coalesce(request_sha256, ''));

-- One row per CloudWatch datapoint (one statistic set of one metric at one time).
CREATE TABLE metric_datapoints (
    id               INTEGER PRIMARY KEY,
    source_file_id   INTEGER NOT NULL REFERENCES source_files(id), -- first file it was read from
    record_index     INTEGER NOT NULL, -- 0-based position in that file of the element (stream line or output page)
    account_id       TEXT NOT NULL,    -- account of the metric; '' when unknown (see import_errors)
    region           TEXT NOT NULL,    -- region of the metric; '' when unknown
    namespace        TEXT NOT NULL,    -- e.g. AWS/DynamoDB (other namespaces are stored too)
    metric_name      TEXT NOT NULL,    -- e.g. ConsumedReadCapacityUnits
    table_name       TEXT,             -- dimension TableName
    operation        TEXT,             -- dimension Operation
    gsi_name         TEXT,             -- dimension GlobalSecondaryIndexName
    stream_label     TEXT,             -- dimension StreamLabel
    receiving_region TEXT,             -- dimension ReceivingRegion
    dimensions       TEXT NOT NULL,    -- every dimension as a JSON object, names sorted; '{}' when none
    timestamp        TEXT NOT NULL,    -- start of the datapoint's period, UTC 'YYYY-MM-DDTHH:MM:SSZ'
    period           INTEGER,          -- seconds the datapoint aggregates; NULL when the evidence does not say
    sum              REAL,             -- Sum; NULL when absent
    sample_count     REAL,             -- SampleCount; NULL when absent
    minimum          REAL,             -- Minimum; NULL when absent
    maximum          REAL,             -- Maximum; NULL when absent
    average          REAL,             -- Average; NULL when absent
    value            REAL,             -- value of a statistic without a column of its own (p99, TM(10%:90%), …)
    unit             TEXT,             -- Count, Milliseconds, …; NULL when absent
    stat             TEXT NOT NULL     -- get-metric-data: the query's statistic (Sum, p99, …); '' for streams and get-metric-statistics
);
-- A datapoint repeated across overlapping downloads is stored once.
CREATE UNIQUE INDEX metric_datapoints_identity
    ON metric_datapoints(account_id, region, namespace, metric_name, dimensions, timestamp, coalesce(period, -1), stat);
CREATE INDEX metric_datapoints_by_table ON metric_datapoints(table_name, timestamp);
