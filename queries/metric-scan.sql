-- name: metric-scan
-- title: Scans of a table that is rarely scanned (CloudWatch)
-- description: Scan requests (SuccessfulRequestLatency SampleCount with Operation=Scan) per table and 5-minute window, on a table whose Scan requests fall in fewer than max_scan_share of its windows of metrics (hourly datapoints left out). One finding per window; the detail names the CloudTrail data events of that table in the window, when the case has any.
-- kind: detection
-- param: max_scan_share real = 0.05  Share of a table's windows with Scans below which it counts as not normally scanned
-- columns: rule, severity, title, principal_arn, access_key_id, table, window_start, window_end, detail, scans, account_id, region, evidence_event_ids, drill_down
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
shares AS (
    SELECT account_id, region, table_name, count(*) AS windows, sum(scans > 0) AS scan_windows
    FROM w GROUP BY 1, 2, 3),
hits AS (
    SELECT w.*, s.windows, s.scan_windows FROM w
    JOIN shares s ON s.account_id = w.account_id AND s.region = w.region AND s.table_name = w.table_name
    WHERE w.scans > 0 AND s.scan_windows < :max_scan_share * s.windows)
SELECT 'metric-scan' AS rule, 'high' AS severity,
       printf('%g', h.scans) || ' Scan requests in 5 minutes on ' || h.table_name || ' (CloudWatch)' AS title,
       NULL AS principal_arn, NULL AS access_key_id, h.table_name AS "table",
       strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket, 'unixepoch') AS window_start,
       strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket + 300, 'unixepoch') AS window_end,
       'metrics saw ' || printf('%g', h.scans) || ' Scans at ' || strftime('%H:%M', h.bucket, 'unixepoch') || '; Scans in ' || h.scan_windows
         || ' of ' || h.windows || ' windows of this table (threshold < ' || :max_scan_share || ')'
         || coalesce('; CloudTrail: ' || (SELECT sum(c.events) || ' data events by ' || group_concat(c.arns, ',') FROM ct c
            WHERE c.name = h.table_name AND c.bucket = h.bucket
              AND (h.account_id = '' OR c.account_id = h.account_id) AND (h.region = '' OR c.region = h.region)), '') AS detail,
       h.scans, h.account_id, h.region, NULL AS evidence_event_ids,
       'ddbtrail investigate table-metrics --param table=' || h.table_name
         || ' --param since=' || strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket, 'unixepoch')
         || ' --param until=' || strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket + 300, 'unixepoch') AS drill_down
FROM hits h
ORDER BY window_start, "table";
