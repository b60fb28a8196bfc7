-- name: cross-partition-access
-- title: Many partitions a principal never touched before
-- description: Per identity (a role for its sessions), table and window, the partition keys it touched for the first time (reads and writes by key, successful calls), after the learning period. Many new partitions at once, well above the identity's own rate, is the sign of enumerating other customers' data (BOLA / IDOR). The partition key comes from the table's key schema when the case has it; otherwise the whole item key is used.
-- kind: detection
-- param: window integer = 3600  Window length in seconds
-- param: min_new_partitions integer = 25  New partitions in one window below this are never reported
-- param: partition_factor real = 3.0  New partitions above this multiple of the identity's usual rate are reported
-- param: learning_hours integer = 24  Hours from the first event during which partitions are learned, not reported
-- param: learning_share real = 0.25  Cap on the learning period as a share of the case's span
-- columns: rule, severity, title, principal_arn, access_key_id, table, window_start, window_end, detail, new_partitions, evidence_event_ids, drill_down
-- json-columns: evidence_event_ids
WITH span AS (
    SELECT min(event_time) AS first_time, max(event_time) AS last_time FROM events WHERE event_time IS NOT NULL),
learned AS (
    SELECT strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(first_time)
           + min(:learning_hours * 3600, (unixepoch(last_time) - unixepoch(first_time)) * :learning_share), 'unixepoch') AS until
    FROM span),
partition_keys AS (SELECT table_id, attribute_name FROM key_schemas WHERE key_type = 'HASH'),
touched AS (
    -- SQLite takes the bare columns (event_id, principal_id) from the row holding the min().
    SELECT coalesce(p.session_issuer_arn, p.arn, p.invoked_by) AS actor, a.table_id,
           coalesce(json_extract(a.item_key, '$."' || k.attribute_name || '"'), a.item_key) AS partition_value,
           min(e.event_time) AS first_time, e.event_id, e.principal_id
    FROM item_accesses a
    JOIN events e ON e.id = a.event_id
    LEFT JOIN principals p ON p.id = e.principal_id
    LEFT JOIN partition_keys k ON k.table_id = a.table_id
    WHERE a.item_key IS NOT NULL AND e.error_code IS NULL AND e.event_time IS NOT NULL
    GROUP BY actor, a.table_id, partition_value),
per_window AS (
    -- first: the earliest first touch as 'time#principal', so one pass gives both ends.
    SELECT actor, table_id, unixepoch(first_time) / :window AS bucket, count(*) AS n,
           min(first_time || '#' || principal_id) AS first, max(first_time) AS last_time,
           json_group_array(DISTINCT event_id) AS ids
    FROM touched GROUP BY actor, table_id, bucket),
usual AS (
    SELECT w.actor, w.table_id, sum(w.n) AS total, count(*) AS windows
    FROM per_window w, learned l WHERE w.first > l.until GROUP BY w.actor, w.table_id),
rates AS (
    SELECT w.*, substr(w.first, 1, instr(w.first, '#') - 1) AS first_time,
           CAST(substr(w.first, instr(w.first, '#') + 1) AS INTEGER) AS principal_id,
           CASE WHEN u.windows > 1 THEN (u.total - w.n) * 1.0 / (u.windows - 1) END AS usual
    FROM per_window w
    CROSS JOIN learned l
    JOIN usual u ON u.actor IS w.actor AND u.table_id = w.table_id
    WHERE w.first > l.until AND w.n >= :min_new_partitions)
SELECT 'cross-partition-access' AS rule, 'medium' AS severity,
       r.n || ' partitions of ' || t.name || ' touched for the first time by ' || coalesce(r.actor, 'an unknown principal') AS title,
       p.arn AS principal_arn, p.access_key_id, t.name AS "table",
       r.first_time AS window_start, r.last_time AS window_end,
       'usual rate ' || printf('%.1f', coalesce(r.usual, 0)) || ' new partitions per window; partition key '
           || coalesce((SELECT attribute_name FROM partition_keys k WHERE k.table_id = r.table_id), 'unknown (whole item key used)') AS detail,
       r.n AS new_partitions, r.ids AS evidence_event_ids,
       'ddbtrail investigate principal-activity --param principal=' || coalesce(p.access_key_id, '''' || p.arn || '''')
           || ' --param since=' || r.first_time || ' --param until=' || strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(r.last_time) + 1, 'unixepoch') AS drill_down
FROM rates r
JOIN ddb_tables t ON t.id = r.table_id
LEFT JOIN principals p ON p.id = r.principal_id
WHERE r.n > :partition_factor * coalesce(r.usual, 0)
ORDER BY window_start, "table", principal_arn;
