-- name: principal-activity
-- title: Every call one principal made
-- description: The calls of every identity matching PRINCIPAL (an ARN, access key id, user, role or session name, or principalId), in time order, with the tables and items each touched. Sessions of a role are matched by the role's name or ARN too. `ddbtrail principal` shows the chain behind a key and a summary.
-- param: principal text  ARN, access key id, user / role / session name or principalId
-- param: since time = ''  Earliest time, inclusive
-- param: until time = ''  Latest time, exclusive
-- columns: time, event_source, event_name, table, operations, items, error_code, source_ip, user_agent, aws_region, principal_arn, access_key_id, event_id
WITH matched(id) AS (
    SELECT id FROM principals
    WHERE :principal IN (arn, access_key_id, user_name, role_name, session_name, principal_id, session_issuer_arn)
)
SELECT e.event_time AS time, e.event_source, e.event_name,
       coalesce((SELECT group_concat(name, ', ') FROM (SELECT DISTINCT t.name FROM item_accesses a JOIN ddb_tables t ON t.id = a.table_id WHERE a.event_id = e.id ORDER BY t.name)),
                (SELECT group_concat(name, ', ') FROM (SELECT DISTINCT t.name FROM table_references r JOIN ddb_tables t ON t.id = r.table_id WHERE r.event_id = e.id ORDER BY t.name))) AS "table",
       (SELECT group_concat(operation, ', ') FROM (SELECT DISTINCT operation FROM item_accesses a WHERE a.event_id = e.id ORDER BY operation)) AS operations,
       (SELECT count(item_key) FROM item_accesses a WHERE a.event_id = e.id) AS items,
       e.error_code, e.source_ip, e.user_agent, e.aws_region, p.arn AS principal_arn, p.access_key_id, e.event_id
FROM matched m
CROSS JOIN events e ON e.principal_id = m.id
JOIN principals p ON p.id = e.principal_id
WHERE (:since = '' OR e.event_time >= :since)
  AND (:until = '' OR e.event_time < :until)
ORDER BY e.event_time, e.id;
