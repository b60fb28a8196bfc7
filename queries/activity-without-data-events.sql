-- name: activity-without-data-events
-- title: Requests in CloudWatch metrics with no CloudTrail data events
-- description: Per table, runs of adjacent 5-minute windows in which metrics show requests (SuccessfulRequestLatency SampleCount, or consumed read or write capacity above 0; hourly datapoints left out) but the case holds no CloudTrail data events of that table (matched by name, and by account and region when the metrics know them). The detail says whether the case has no data events for the table at all (the trail did not log them) or has some elsewhere (logs for these windows may be missing).
-- kind: detection
-- columns: rule, severity, title, principal_arn, access_key_id, table, window_start, window_end, detail, requests, windows, account_id, region, evidence_event_ids, drill_down
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
bare AS (
    SELECT w.* FROM w
    WHERE (w.requests > 0 OR w.reads > 0 OR w.writes > 0)
      AND NOT EXISTS (SELECT 1 FROM ct c WHERE c.name = w.table_name AND c.bucket = w.bucket
                        AND (w.account_id = '' OR c.account_id = w.account_id) AND (w.region = '' OR c.region = w.region))),
-- Adjacent windows of one table share a run number.
runs AS (
    SELECT bare.*, bucket / 300 - row_number() OVER (PARTITION BY account_id, region, table_name ORDER BY bucket) AS run
    FROM bare),
h AS (
    SELECT account_id, region, table_name, min(bucket) AS bucket, max(bucket) + 300 AS bucket_end, count(*) AS windows,
           sum(requests) AS requests, sum(reads) AS reads, sum(writes) AS writes
    FROM runs GROUP BY account_id, region, table_name, run),
covered AS (
    SELECT h.account_id, h.region, h.table_name, min(d.first_data_event) AS first_data_event, max(d.last_data_event) AS last_data_event
    FROM h JOIN ddb_tables t ON t.name = h.table_name AND (h.account_id = '' OR t.account_id = h.account_id)
                             AND (h.region = '' OR t.region = h.region)
    JOIN data_event_coverage d ON d.table_id = t.id
    GROUP BY 1, 2, 3)
SELECT 'activity-without-data-events' AS rule, 'medium' AS severity,
       printf('%g', h.requests) || ' requests on ' || h.table_name || ' in CloudWatch with no CloudTrail data events' AS title,
       NULL AS principal_arn, NULL AS access_key_id, h.table_name AS "table",
       strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket, 'unixepoch') AS window_start,
       strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket_end, 'unixepoch') AS window_end,
       h.windows || ' windows: ' || printf('%g', h.requests) || ' requests, ' || round(h.reads, 1) || ' read and ' || round(h.writes, 1)
         || ' write capacity units; '
         || CASE WHEN c.first_data_event IS NULL
                 THEN 'the case has no data events for this table at all: the trail did not log them (or they were not collected)'
                 ELSE 'the case has data events for this table from ' || c.first_data_event || ' to ' || c.last_data_event
                      || ' but none in these windows: logs may be missing' END AS detail,
       h.requests, h.windows, h.account_id, h.region, NULL AS evidence_event_ids,
       'ddbtrail investigate table-metrics --param table=' || h.table_name
         || ' --param since=' || strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket, 'unixepoch')
         || ' --param until=' || strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket_end, 'unixepoch') AS drill_down
FROM h
LEFT JOIN covered c ON c.account_id = h.account_id AND c.region = h.region AND c.table_name = h.table_name
ORDER BY window_start, "table";
