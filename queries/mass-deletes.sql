-- name: mass-deletes
-- title: Bursts of deletes per principal and window
-- description: Items deleted per principal, table and time window: DeleteItem, BatchWriteItem and TransactWriteItems deletes and PartiQL DELETE (successful calls). TTL expiry (stream REMOVE records by the DynamoDB service) is listed apart, as rule ttl-deletes with severity info, so it is never mistaken for a person.
-- kind: detection
-- param: window integer = 300  Window length in seconds
-- param: min_deletes integer = 25  Deletes by one principal in one window that make a finding
-- param: high_deletes integer = 100  Deletes in one window that make it high severity
-- param: min_ttl_deletes integer = 500  TTL deletions of one table in one window that are listed
-- columns: rule, severity, title, principal_arn, access_key_id, table, window_start, window_end, detail, deletes, evidence_event_ids, drill_down
-- json-columns: evidence_event_ids
WITH deletes AS (
    SELECT e.id, e.event_id, e.event_time, e.principal_id, a.table_id, a.item_key,
           (unixepoch(e.event_time) / :window) AS bucket
    FROM item_accesses a
    JOIN events e ON e.id = a.event_id
    WHERE a.operation IN ('DeleteItem', 'Delete', 'DELETE') AND e.error_code IS NULL),
bursts AS (
    SELECT principal_id, table_id, bucket, count(*) AS n, count(DISTINCT item_key) AS items,
           min(event_time) AS first_time, max(event_time) AS last_time,
           json_group_array(DISTINCT event_id) AS ids
    FROM deletes GROUP BY principal_id, table_id, bucket
    HAVING count(*) >= :min_deletes),
ttl AS (
    SELECT c.table_id, c.change_time_us / 1000000 / :window AS bucket, count(*) AS n,
           min(c.change_time) AS first_time, max(c.change_time) AS last_time
    FROM changes c
    WHERE c.change_type = 'REMOVE' AND c.user_identity_principal = 'dynamodb.amazonaws.com'
    GROUP BY c.table_id, bucket
    HAVING count(*) >= :min_ttl_deletes)
SELECT 'mass-delete' AS rule,
       CASE WHEN b.n >= :high_deletes THEN 'high' ELSE 'medium' END AS severity,
       'Burst of ' || b.n || ' deletes on ' || t.name AS title,
       p.arn AS principal_arn, p.access_key_id, t.name AS "table",
       b.first_time AS window_start, b.last_time AS window_end,
       b.items || ' distinct items deleted in ' || json_array_length(b.ids) || ' calls' AS detail,
       b.n AS deletes, b.ids AS evidence_event_ids,
       'ddbtrail investigate principal-activity --param principal=' || coalesce(p.access_key_id, '''' || p.arn || '''')
           || ' --param since=' || b.first_time || ' --param until=' || strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(b.last_time) + 1, 'unixepoch') AS drill_down
FROM bursts b
JOIN ddb_tables t ON t.id = b.table_id
LEFT JOIN principals p ON p.id = b.principal_id
UNION ALL
SELECT 'ttl-deletes', 'info', 'TTL expiry removed ' || x.n || ' items from ' || coalesce(t.name, 'an unknown table'),
       NULL, NULL, t.name, x.first_time, x.last_time,
       'stream REMOVE records by dynamodb.amazonaws.com (time to live); no person involved',
       x.n, '[]',
       'ddbtrail investigate unattributed-changes --param table=' || coalesce(t.name, '') || ' --param since=' || x.first_time
FROM ttl x
LEFT JOIN ddb_tables t ON t.id = x.table_id
ORDER BY window_start, rule, principal_arn;
