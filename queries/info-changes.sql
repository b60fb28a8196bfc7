-- name: info-changes
-- title: Change records and attribution per table
-- description: For each table with change records (streams, Lambda/Kinesis deliveries, exports): time range, counts by type, and how many changes are attributed to a CloudTrail call (by its logged key, or by shape for calls that log no key), deleted by TTL, or unattributed (and why), one column per attribution method.
-- kind: internal
-- columns: table_name, sources, first_change, last_change, changes, inserts, modifies, removes, snapshots, attributed, attribution_rate, matched, matched_by_shape, ttl, ambiguous, no_data_events, no_candidate, table_unknown
SELECT coalesce(t.name, '(table unknown)') AS table_name,
       group_concat(DISTINCT c.source_format) AS sources,
       min(c.change_time) AS first_change, max(c.change_time) AS last_change,
       count(*) AS changes,
       sum(c.change_type = 'INSERT') AS inserts, sum(c.change_type = 'MODIFY') AS modifies,
       sum(c.change_type = 'REMOVE') AS removes, sum(c.change_type = 'SNAPSHOT') AS snapshots,
       sum(a.method IN ('matched', 'matched-by-shape')) AS attributed,
       round(100.0 * sum(a.method IN ('matched', 'matched-by-shape')) / max(1, sum(c.change_type <> 'SNAPSHOT')), 1) AS attribution_rate,
       sum(a.method = 'matched') AS matched, sum(a.method = 'matched-by-shape') AS matched_by_shape,
       sum(a.method = 'ttl') AS ttl, sum(a.method = 'ambiguous') AS ambiguous,
       sum(a.method = 'no-data-events') AS no_data_events, sum(a.method = 'no-candidate') AS no_candidate,
       sum(a.method = 'table-unknown') AS table_unknown
FROM changes c
LEFT JOIN ddb_tables t ON t.id = c.table_id
LEFT JOIN change_attributions a ON a.change_id = c.id
GROUP BY c.table_id
ORDER BY table_name;
