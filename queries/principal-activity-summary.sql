-- name: principal-activity-summary
-- title: What an identity did, per table and operation
-- description: Calls made by a set of identities, grouped by the key or session they were made with, then per DynamoDB table and operation (item operations from item_accesses, other table calls from table_references) or, for other services, per event source and API: calls, items touched, failures, first and last time, and every source IP and user agent. `ddbtrail principal` runs it with the identities WHO names and the sessions they obtained through STS.
-- kind: internal
-- param: principals text  JSON array of {"principal_row": principals.id, "via": key or ARN, "via_arn": ARN, "relation": "match" or "derived"}
-- param: since time  Earliest time, UTC ISO 8601, inclusive ('' for no limit)
-- param: until time  Latest time, UTC ISO 8601, exclusive ('' for no limit)
-- columns: relation, via, via_arn, service, table_name, table_account_id, table_region, operation, calls, items, errors, first_seen, last_seen, source_ips, user_agents
-- json-columns: source_ips, user_agents
-- A call touches its item_accesses rows, else the tables it references, else only its service.
-- Grouping first by small keys (the identity's position in :principals, table id) and naming
-- afterwards halves the sort on large cases; the IP and user agent lists are merged and sorted last.
WITH wanted AS MATERIALIZED (
    SELECT key AS k, value ->> '$.principal_row' AS principal_row, value ->> '$.via' AS via,
           value ->> '$.via_arn' AS via_arn, value ->> '$.relation' AS relation
    FROM json_each(:principals)
), groups AS (
    SELECT w.k, e.event_source, coalesce(a.table_id, r.table_id) AS table_id,
           coalesce(a.operation, e.event_name) AS operation,
           count(DISTINCT e.id) AS calls,
           sum(a.id IS NOT NULL) AS items,
           count(DISTINCT CASE WHEN e.error_code IS NOT NULL THEN e.id END) AS errors,
           min(e.event_time) AS first_seen, max(e.event_time) AS last_seen,
           json_group_array(DISTINCT e.source_ip) AS ips, json_group_array(DISTINCT e.user_agent) AS agents
    FROM wanted w
    CROSS JOIN events e ON e.principal_id = w.principal_row
    LEFT JOIN item_accesses a ON a.event_id = e.id
    LEFT JOIN table_references r ON a.id IS NULL AND r.event_id = e.id
    WHERE (:since = '' OR e.event_time >= :since)
      AND (:until = '' OR e.event_time < :until)
    GROUP BY w.k, e.event_source, coalesce(a.table_id, r.table_id), coalesce(a.operation, e.event_name)
), summary AS (
    SELECT w.relation, w.via, w.via_arn, g.event_source AS service, t.name AS table_name, t.account_id AS table_account_id,
           t.region AS table_region, g.operation, sum(g.calls) AS calls, nullif(sum(g.items), 0) AS items, sum(g.errors) AS errors,
           min(g.first_seen) AS first_seen, max(g.last_seen) AS last_seen,
           json_group_array(g.ips) AS ips, json_group_array(g.agents) AS agents
    FROM groups g JOIN wanted w ON w.k = g.k LEFT JOIN ddb_tables t ON t.id = g.table_id
    GROUP BY w.relation, w.via, w.via_arn, g.event_source, t.account_id, t.region, t.name, g.operation
)
SELECT s.relation, s.via, s.via_arn, s.service, s.table_name, s.table_account_id, s.table_region, s.operation,
       s.calls, s.items, s.errors, s.first_seen, s.last_seen,
       (SELECT json_group_array(value) FROM (SELECT DISTINCT l.value FROM json_each(s.ips) j, json_each(j.value) l WHERE l.value IS NOT NULL ORDER BY l.value)) AS source_ips,
       (SELECT json_group_array(value) FROM (SELECT DISTINCT l.value FROM json_each(s.agents) j, json_each(j.value) l WHERE l.value IS NOT NULL ORDER BY l.value)) AS user_agents
FROM summary s
ORDER BY s.relation = 'derived', s.via, s.via_arn, s.service, s.table_name IS NULL, s.table_name, s.table_account_id, s.table_region, s.operation;
