-- name: denied-and-failed
-- title: Denied and failed calls per principal and table
-- description: Failed calls grouped by principal, table and error code, with the calls that failed and when. Access denials repeated at least probe_threshold times are probing (medium); other denials are low; other errors (conditional-check failures, validation errors, throttling…) are info.
-- kind: detection
-- param: probe_threshold integer = 5  Access denials by one principal that look like probing
-- columns: rule, severity, title, principal_arn, access_key_id, table, window_start, window_end, detail, error_code, failures, evidence_event_ids, drill_down
-- json-columns: evidence_event_ids
WITH failed AS (
    SELECT e.id, e.event_id, e.event_time, e.event_name, e.error_code, e.principal_id,
           coalesce((SELECT min(a.table_id) FROM item_accesses a WHERE a.event_id = e.id),
                    (SELECT min(r.table_id) FROM table_references r WHERE r.event_id = e.id)) AS table_id
    FROM events e WHERE e.error_code IS NOT NULL),
grouped AS (
    SELECT principal_id, table_id, error_code, count(*) AS n, min(event_time) AS first_time, max(event_time) AS last_time,
           group_concat(DISTINCT event_name) AS calls,
           error_code LIKE '%AccessDenied%' OR error_code LIKE '%Unauthorized%' OR error_code = 'AuthFailure' AS denied
    FROM failed f GROUP BY principal_id, table_id, error_code)
SELECT CASE WHEN g.denied THEN 'access-denied' ELSE 'failed-calls' END AS rule,
       CASE WHEN g.denied AND g.n >= :probe_threshold THEN 'medium' WHEN g.denied THEN 'low' ELSE 'info' END AS severity,
       g.n || ' × ' || g.error_code || coalesce(' on ' || t.name, '') AS title,
       p.arn AS principal_arn, p.access_key_id, t.name AS "table",
       g.first_time AS window_start, g.last_time AS window_end,
       'calls: ' || g.calls AS detail, g.error_code, g.n AS failures,
       (SELECT json_group_array(event_id) FROM (SELECT f.event_id FROM failed f WHERE f.principal_id IS g.principal_id AND f.table_id IS g.table_id
          AND f.error_code = g.error_code ORDER BY f.event_time LIMIT 100)) AS evidence_event_ids,
       'ddbtrail investigate principal-activity --param principal=' || coalesce(p.access_key_id, '''' || p.arn || '''')
           || ' --param since=' || g.first_time || ' --param until=' || strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(g.last_time) + 1, 'unixepoch') AS drill_down
FROM grouped g
LEFT JOIN ddb_tables t ON t.id = g.table_id
LEFT JOIN principals p ON p.id = g.principal_id
ORDER BY g.n DESC, window_start, principal_arn;
