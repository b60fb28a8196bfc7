-- name: exfiltration
-- title: Signs of data being taken out
-- description: Scans of tables that are not normally scanned (segments counted); read volume per principal and window above a multiple of its own baseline (or, for a principal with no history, of the table's); and ExportTableToPointInTime calls, flagged high when the bucket belongs to another account.
-- kind: detection
-- param: window integer = 300  Window length in seconds
-- param: scan_days integer = 2  A table scanned (by others, or by the same principal) on at least this many days is normally scanned
-- param: read_factor real = 3.0  Reads above this multiple of the baseline are a spike
-- param: min_reads integer = 100  Reads in one window below this are never a spike
-- columns: rule, severity, title, principal_arn, access_key_id, table, window_start, window_end, detail, evidence_event_ids, drill_down
-- json-columns: evidence_event_ids
WITH reads AS (
    SELECT e.id, e.event_id, e.event_time, e.principal_id, a.table_id, a.operation,
           coalesce(p.session_issuer_arn, p.arn, p.invoked_by) AS actor,
           unixepoch(e.event_time) / :window AS bucket
    FROM item_accesses a
    JOIN events e ON e.id = a.event_id
    LEFT JOIN principals p ON p.id = e.principal_id
    WHERE a.operation IN ('GetItem', 'Get', 'SELECT', 'Query', 'Scan') AND e.error_code IS NULL),
scan_days AS (
    SELECT DISTINCT table_id, actor, substr(event_time, 1, 10) AS day FROM reads WHERE operation = 'Scan'),
scan_calls AS MATERIALIZED (
    SELECT r.*, event_record(r.id) AS raw FROM reads r WHERE r.operation = 'Scan'),
scans AS (
    SELECT r.principal_id, r.actor, r.table_id, r.bucket, count(*) AS calls,
           count(DISTINCT json_extract(r.raw, '$.requestParameters.segment')) AS segments,
           max(json_extract(r.raw, '$.requestParameters.totalSegments')) AS total_segments,
           min(r.event_time) AS first_time, max(r.event_time) AS last_time,
           json_group_array(DISTINCT r.event_id) AS ids
    FROM scan_calls r
    GROUP BY r.principal_id, r.table_id, r.bucket),
volume AS (
    SELECT principal_id, actor, table_id, bucket, count(*) AS n,
           min(event_time) AS first_time, max(event_time) AS last_time
    FROM reads GROUP BY principal_id, table_id, bucket),
actor_base AS (
    SELECT actor, table_id, sum(n) AS total, count(*) AS windows FROM volume GROUP BY actor, table_id),
table_base AS (
    SELECT table_id, sum(n) * 1.0 / count(*) AS per_window FROM volume GROUP BY table_id),
spikes AS (
    SELECT v.*, CASE WHEN ab.windows > 1 THEN (ab.total - v.n) * 1.0 / (ab.windows - 1) ELSE tb.per_window END AS baseline,
           CASE WHEN ab.windows > 1 THEN 'its own' ELSE 'the table''s' END AS basis
    FROM volume v
    JOIN actor_base ab ON ab.actor IS v.actor AND ab.table_id = v.table_id
    JOIN table_base tb ON tb.table_id = v.table_id
    WHERE v.n >= :min_reads),
exports AS (
    SELECT e.*, json_extract(e.raw, '$.requestParameters.s3Bucket') AS bucket_name,
           json_extract(e.raw, '$.requestParameters.s3BucketOwner') AS bucket_owner,
           (SELECT group_concat(name, ', ') FROM (SELECT DISTINCT t.name FROM table_references r JOIN ddb_tables t ON t.id = r.table_id WHERE r.event_id = e.id ORDER BY t.name)) AS table_names
    FROM (SELECT e.*, event_record(e.id) AS raw FROM events e
          WHERE e.id IN (SELECT event_id FROM table_references) AND e.event_name = 'ExportTableToPointInTime') e)
SELECT 'unusual-scan' AS rule, 'high' AS severity,
       'Scan of ' || t.name || ', which is not normally scanned' AS title,
       p.arn AS principal_arn, p.access_key_id, t.name AS "table",
       s.first_time AS window_start, s.last_time AS window_end,
       s.calls || ' Scan calls' || CASE WHEN s.total_segments > 1 THEN ', parallel: ' || s.segments || ' of ' || s.total_segments || ' segments' ELSE '' END AS detail,
       s.ids AS evidence_event_ids,
       'ddbtrail investigate who-read --param table=' || t.name AS drill_down
FROM scans s
JOIN ddb_tables t ON t.id = s.table_id
LEFT JOIN principals p ON p.id = s.principal_id
WHERE (SELECT count(*) FROM scan_days d WHERE d.table_id = s.table_id AND d.actor IS s.actor) < :scan_days
  AND (SELECT count(DISTINCT day) FROM scan_days d WHERE d.table_id = s.table_id AND d.actor IS NOT s.actor) < :scan_days
UNION ALL
SELECT 'read-spike', 'medium',
       x.n || ' reads of ' || t.name || ' in one window, ' || printf('%.1f', x.n / max(x.baseline, 1.0)) || '× baseline',
       p.arn, p.access_key_id, t.name, x.first_time, x.last_time,
       'baseline ' || printf('%.1f', x.baseline) || ' reads per active window (' || x.basis || ')',
       (SELECT json_group_array(event_id) FROM (
            SELECT DISTINCT e.event_id FROM events e JOIN item_accesses a ON a.event_id = e.id
            WHERE e.principal_id = x.principal_id AND a.table_id = x.table_id AND e.event_time BETWEEN x.first_time AND x.last_time
              AND a.operation IN ('GetItem', 'Get', 'SELECT', 'Query', 'Scan') AND e.error_code IS NULL
            ORDER BY e.event_time LIMIT 100)),
       'ddbtrail investigate principal-activity --param principal=' || coalesce(p.access_key_id, '''' || p.arn || '''')
           || ' --param since=' || x.first_time || ' --param until=' || strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(x.last_time) + 1, 'unixepoch')
FROM spikes x
JOIN ddb_tables t ON t.id = x.table_id
LEFT JOIN principals p ON p.id = x.principal_id
WHERE x.n > :read_factor * x.baseline
UNION ALL
SELECT 'table-export',
       CASE WHEN x.error_code IS NOT NULL THEN 'low'
            WHEN x.bucket_owner IS NOT NULL AND x.bucket_owner <> coalesce(x.recipient_account_id, '') THEN 'high' ELSE 'medium' END,
       CASE WHEN x.error_code IS NOT NULL THEN 'Attempted (' || x.error_code || '): ' ELSE '' END
           || 'Export of ' || coalesce(x.table_names, 'a table') || ' to s3://' || coalesce(x.bucket_name, '?')
           || CASE WHEN x.bucket_owner IS NOT NULL AND x.bucket_owner <> coalesce(x.recipient_account_id, '') THEN ' owned by another account (' || x.bucket_owner || ')' ELSE '' END,
       p.arn, p.access_key_id, x.table_names, x.event_time, x.event_time,
       'ExportTableToPointInTime ' || coalesce(json_extract(x.raw, '$.requestParameters'), 'null'),
       json_array(x.event_id),
       'ddbtrail investigate principal-activity --param principal=' || coalesce(p.access_key_id, '''' || p.arn || '''')
           || ' --param since=' || strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(x.event_time) - 3600, 'unixepoch')
           || ' --param until=' || strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(x.event_time) + 3600, 'unixepoch')
FROM exports x
LEFT JOIN principals p ON p.id = x.principal_id
ORDER BY window_start, rule, principal_arn;
