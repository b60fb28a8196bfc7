-- name: new-sources
-- title: A principal's first use of a source IP, user agent, region or table
-- description: For each identity (a role for its sessions, else the principal's ARN), the first time it used a source IP, user agent or region, or first wrote to a table, after a learning period at the start of the evidence (learning_hours, or learning_share of the case's span when that is shorter). New IPs of identities that already used more than max_known_ips addresses while learning (Lambda, autoscaled fleets) are not reported.
-- kind: detection
-- param: learning_hours integer = 24  Hours from the first event during which sources are learned, not reported
-- param: learning_share real = 0.25  Cap on the learning period as a share of the case's span
-- param: max_known_ips integer = 5  Identities with more addresses than this while learning get no new-IP findings
-- columns: rule, severity, title, principal_arn, access_key_id, table, window_start, window_end, detail, evidence_event_ids, drill_down
-- json-columns: evidence_event_ids
WITH span AS (
    SELECT min(event_time) AS first_time, max(event_time) AS last_time FROM events WHERE event_time IS NOT NULL),
learned AS (
    SELECT strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(first_time)
           + min(:learning_hours * 3600, (unixepoch(last_time) - unixepoch(first_time)) * :learning_share), 'unixepoch') AS until
    FROM span),
acts AS (
    SELECT e.id, e.event_time, e.principal_id, e.source_ip, e.user_agent, e.aws_region, e.error_code,
           coalesce(p.session_issuer_arn, p.arn) AS actor
    FROM events e JOIN principals p ON p.id = e.principal_id
    WHERE coalesce(p.session_issuer_arn, p.arn) IS NOT NULL AND e.event_time IS NOT NULL),
known_ips AS (
    SELECT actor, count(DISTINCT source_ip) AS n FROM acts, learned WHERE event_time <= learned.until GROUP BY actor),
firsts AS (
    -- first: the earliest event as 'time#id', so one pass also gives the last time and the count.
    SELECT 'source IP' AS kind, actor, source_ip AS value, min(event_time || '#' || id) AS first, max(event_time) AS last_time, count(*) AS calls
    FROM acts WHERE source_ip IS NOT NULL GROUP BY actor, source_ip
    UNION ALL
    SELECT 'user agent', actor, user_agent, min(event_time || '#' || id), max(event_time), count(*)
    FROM acts WHERE user_agent IS NOT NULL GROUP BY actor, user_agent
    UNION ALL
    SELECT 'region', actor, aws_region, min(event_time || '#' || id), max(event_time), count(*)
    FROM acts WHERE aws_region IS NOT NULL GROUP BY actor, aws_region
    UNION ALL
    SELECT 'table write', x.actor, t.name, min(x.event_time || '#' || x.id), max(x.event_time), count(*)
    FROM acts x JOIN item_accesses a ON a.event_id = x.id JOIN ddb_tables t ON t.id = a.table_id
    WHERE x.error_code IS NULL
      AND a.operation IN ('PutItem', 'UpdateItem', 'DeleteItem', 'Put', 'Update', 'Delete', 'Write', 'INSERT', 'UPDATE', 'DELETE')
    GROUP BY x.actor, t.id),
found AS (
    SELECT f.*, substr(f.first, 1, instr(f.first, '#') - 1) AS first_time,
           CAST(substr(f.first, instr(f.first, '#') + 1) AS INTEGER) AS first_id
    FROM firsts f)
SELECT CASE f.kind WHEN 'table write' THEN 'first-write-to-table' ELSE 'new-' || lower(replace(f.kind, ' ', '-')) END AS rule,
       CASE f.kind WHEN 'user agent' THEN 'low' ELSE 'medium' END AS severity,
       CASE f.kind WHEN 'table write' THEN 'First write to ' || f.value || ' by ' || f.actor
            ELSE 'First use of ' || f.kind || ' ' || f.value || ' by ' || f.actor END AS title,
       p.arn AS principal_arn, p.access_key_id,
       CASE f.kind WHEN 'table write' THEN f.value END AS "table",
       f.first_time AS window_start, f.last_time AS window_end,
       f.calls || ' calls' || CASE WHEN k.n IS NULL THEN '; the identity itself is new since the learning period' ELSE '' END AS detail,
       json_array(e.event_id) AS evidence_event_ids,
       'ddbtrail investigate principal-activity --param principal=' || coalesce(p.access_key_id, '''' || p.arn || '''')
           || ' --param since=' || f.first_time || ' --param until=' || strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(f.last_time) + 1, 'unixepoch') AS drill_down
FROM found f
CROSS JOIN learned l
LEFT JOIN known_ips k ON k.actor = f.actor
JOIN events e ON e.id = f.first_id
LEFT JOIN principals p ON p.id = e.principal_id
WHERE f.first_time > l.until
  AND (f.kind <> 'source IP' OR coalesce(k.n, 0) <= :max_known_ips)
ORDER BY window_start, rule, f.actor;
