-- name: table-timeline
-- title: Every call on one table, control plane and data
-- description: All calls that named the table (as a name or an ARN), in time order: management calls (UpdateTable, UpdateContinuousBackups, ExportTableToPointInTime…) and data calls with the number of items each touched.
-- param: table text  Table name
-- param: since time = ''  Earliest time, inclusive
-- param: until time = ''  Latest time, exclusive
-- columns: time, event_name, event_category, operations, items, principal_arn, access_key_id, source_ip, user_agent, error_code, account_id, aws_region, event_id
-- table-columns: time, event_name, operations, items, principal_arn, source_ip, error_code
WITH tables(id, account_id, region) AS (SELECT id, account_id, region FROM ddb_tables WHERE name = :table),
     calls(event_id, table_id, operations, items) AS (
         SELECT a.event_id, a.table_id, group_concat(DISTINCT a.operation), count(a.item_key)
         FROM item_accesses a WHERE a.table_id IN (SELECT id FROM tables) GROUP BY a.event_id, a.table_id
         UNION ALL
         SELECT r.event_id, r.table_id, NULL, 0
         FROM table_references r WHERE r.table_id IN (SELECT id FROM tables) GROUP BY r.event_id, r.table_id)
SELECT e.event_time AS time, e.event_name, e.event_category, c.operations, c.items,
       p.arn AS principal_arn, p.access_key_id, e.source_ip, e.user_agent, e.error_code,
       t.account_id, t.region AS aws_region, e.event_id
FROM calls c
JOIN tables t ON t.id = c.table_id
JOIN events e ON e.id = c.event_id
LEFT JOIN principals p ON p.id = e.principal_id
WHERE (:since = '' OR e.event_time >= :since)
  AND (:until = '' OR e.event_time < :until)
ORDER BY e.event_time, e.id;
