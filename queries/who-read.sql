-- name: who-read
-- title: Who read items of a table
-- description: Every principal that read the table, with the distinct items it read by key (GetItem, BatchGetItem and TransactGetItems members, PartiQL SELECT with a key); Query and Scan calls are counted separately because the items they returned are not in CloudTrail. Successful calls only; failed read attempts are counted apart.
-- param: table text  Table name
-- param: since time = ''  Earliest time, inclusive
-- param: until time = ''  Latest time, exclusive
-- columns: principal_arn, access_key_id, items_read, key_reads, queries, scans, failed_reads, first_seen, last_seen, source_ips
WITH reads AS (
    SELECT e.principal_id, e.event_id, e.event_time, e.error_code, e.source_ip, a.operation, a.item_key
    FROM item_accesses a
    JOIN ddb_tables t ON t.id = a.table_id
    JOIN events e ON e.id = a.event_id
    WHERE t.name = :table
      AND a.operation IN ('GetItem', 'Get', 'SELECT', 'Query', 'Scan')
      AND (:since = '' OR e.event_time >= :since)
      AND (:until = '' OR e.event_time < :until))
SELECT p.arn AS principal_arn, p.access_key_id,
       count(DISTINCT CASE WHEN r.error_code IS NULL AND r.operation IN ('GetItem', 'Get', 'SELECT') THEN r.item_key END) AS items_read,
       count(CASE WHEN r.error_code IS NULL AND r.item_key IS NOT NULL AND r.operation IN ('GetItem', 'Get', 'SELECT') THEN 1 END) AS key_reads,
       count(DISTINCT CASE WHEN r.error_code IS NULL AND r.operation = 'Query' THEN r.event_id END) AS queries,
       count(DISTINCT CASE WHEN r.error_code IS NULL AND (r.operation = 'Scan' OR r.operation = 'SELECT' AND r.item_key IS NULL) THEN r.event_id END) AS scans,
       count(DISTINCT CASE WHEN r.error_code IS NOT NULL THEN r.event_id END) AS failed_reads,
       min(r.event_time) AS first_seen, max(r.event_time) AS last_seen,
       group_concat(DISTINCT r.source_ip) AS source_ips
FROM reads r
LEFT JOIN principals p ON p.id = r.principal_id
GROUP BY r.principal_id
ORDER BY items_read DESC, scans DESC, principal_arn;
