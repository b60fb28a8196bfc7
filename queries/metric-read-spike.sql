-- name: metric-read-spike
-- title: Read capacity far above the table's own usual (CloudWatch)
-- description: ConsumedReadCapacityUnits per table and 5-minute window (1-minute datapoints added up, 5-minute ones as they are, hourly ones left out) at least read_factor times the median of that table's 5-minute sums over the case, for tables with at least min_baseline_windows windows of metrics, and at least min_read_units. One finding per window; the detail names the CloudTrail data events of that table in the window, when the case has any.
-- kind: detection
-- param: read_factor real = 3.0  Factor over the table's median 5-minute read sum
-- param: min_baseline_windows integer = 12  5-minute windows of metrics a table needs for a baseline
-- param: min_read_units real = 100  Read capacity units a window needs to be reported
-- columns: rule, severity, title, principal_arn, access_key_id, table, window_start, window_end, detail, reads, baseline, account_id, region, evidence_event_ids, drill_down
-- 5-minute windows of the table-level series (metric_windows, schema 008).
WITH w AS (
    SELECT account_id, region, table_name, bucket,
           coalesce(sum(CASE WHEN metric_name = 'ConsumedReadCapacityUnits' THEN total END), 0) AS reads,
           coalesce(sum(CASE WHEN metric_name = 'ConsumedWriteCapacityUnits' THEN total END), 0) AS writes,
           coalesce(sum(CASE WHEN metric_name = 'SuccessfulRequestLatency' THEN samples END), 0) AS requests,
           coalesce(sum(CASE WHEN metric_name = 'SuccessfulRequestLatency' AND operation = 'Scan' THEN samples END), 0) AS scans
    FROM metric_windows
    WHERE namespace = 'AWS/DynamoDB' AND gsi_name IS NULL AND table_name IS NOT NULL
      AND metric_name IN ('ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits', 'SuccessfulRequestLatency')
    GROUP BY 1, 2, 3, 4),
-- CloudTrail data events per table and window, for the tables with metrics.
ct AS (
    SELECT t.name, t.account_id, t.region, unixepoch(e.event_time) / 300 * 300 AS bucket,
           count(DISTINCT e.id) AS events, group_concat(DISTINCT p.arn) AS arns
    FROM item_accesses a JOIN events e ON e.id = a.event_id JOIN ddb_tables t ON t.id = a.table_id
    LEFT JOIN principals p ON p.id = e.principal_id
    WHERE t.name IN (SELECT table_name FROM w)
    GROUP BY 1, 2, 3, 4),
ranked AS (
    SELECT w.*, row_number() OVER (PARTITION BY account_id, region, table_name ORDER BY reads) AS pos,
           count(*) OVER (PARTITION BY account_id, region, table_name) AS windows
    FROM w),
medians AS (
    SELECT account_id, region, table_name, avg(reads) AS median, max(windows) AS windows
    FROM ranked WHERE pos IN ((windows + 1) / 2, (windows + 2) / 2)
    GROUP BY 1, 2, 3),
hits AS (
    SELECT w.*, m.median, m.windows FROM w
    JOIN medians m ON m.account_id = w.account_id AND m.region = w.region AND m.table_name = w.table_name
    WHERE m.windows >= :min_baseline_windows AND w.reads >= :read_factor * m.median AND w.reads >= :min_read_units)
SELECT 'metric-read-spike' AS rule, 'high' AS severity,
       round(h.reads, 1) || ' read units in 5 minutes on ' || h.table_name || ' (CloudWatch)' AS title,
       NULL AS principal_arn, NULL AS access_key_id, h.table_name AS "table",
       strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket, 'unixepoch') AS window_start,
       strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket + 300, 'unixepoch') AS window_end,
       'ConsumedReadCapacityUnits ' || round(h.reads, 1) || ' = ' || round(h.reads / max(h.median, 0.000001), 1)
         || 'x the median ' || round(h.median, 1) || ' of ' || h.windows || ' windows (threshold ' || :read_factor || 'x)'
         || coalesce('; CloudTrail: ' || (SELECT sum(c.events) || ' data events by ' || group_concat(c.arns, ',') FROM ct c
            WHERE c.name = h.table_name AND c.bucket = h.bucket
              AND (h.account_id = '' OR c.account_id = h.account_id) AND (h.region = '' OR c.region = h.region)), '') AS detail,
       h.reads, h.median AS baseline, h.account_id, h.region, NULL AS evidence_event_ids,
       'ddbtrail investigate table-metrics --param table=' || h.table_name
         || ' --param since=' || strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket, 'unixepoch')
         || ' --param until=' || strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket + 300, 'unixepoch') AS drill_down
FROM hits h
ORDER BY window_start, "table";
