-- name: table-metrics
-- title: One table's CloudWatch metrics per 5 minutes, beside its CloudTrail data events
-- description: Per 5-minute window, the table's metric sums (1-minute datapoints added up, 5-minute ones as they are, hourly ones left out): consumed read and write capacity, throttles, system errors, conditional-check failures, requests per operation (SuccessfulRequestLatency SampleCount); and beside them the same counted from CloudTrail data events of the table (calls reading, writing, scanning) with the principals.
-- kind: investigation
-- param: table text  Table name
-- param: since time = ''  Earliest time, inclusive
-- param: until time = ''  Latest time, exclusive
-- columns: window_start, read_units, write_units, throttles, throttle_events, system_errors, conditional_failures, get_item, query, scan, put_item, update_item, delete_item, batch_get_item, batch_write_item, transact, partiql, ct_events, ct_reads, ct_writes, ct_scans, ct_principals
-- table-columns: window_start, read_units, write_units, throttles, system_errors, scan, query, get_item, ct_events, ct_reads, ct_writes, ct_scans, ct_principals
WITH raw AS (
    SELECT account_id, region, metric_name, operation, dimensions, timestamp, coalesce(period, 60) AS period,
           max(sum) AS total, max(sample_count) AS samples, unixepoch(timestamp) / 300 * 300 AS bucket
    FROM metric_datapoints
    WHERE namespace = 'AWS/DynamoDB' AND gsi_name IS NULL AND table_name = :table AND coalesce(period, 60) <= 300
      AND (:since = '' OR unixepoch(timestamp) >= unixepoch(:since) / 300 * 300)
      AND (:until = '' OR unixepoch(timestamp) < unixepoch(:until))
    GROUP BY account_id, region, metric_name, dimensions, timestamp, coalesce(period, 60)),
dp AS (
    SELECT *, min(period) OVER (PARTITION BY account_id, region, metric_name, dimensions, bucket) AS finest FROM raw),
m AS (
    SELECT bucket,
           sum(CASE WHEN metric_name = 'ConsumedReadCapacityUnits' THEN total END) AS read_units,
           sum(CASE WHEN metric_name = 'ConsumedWriteCapacityUnits' THEN total END) AS write_units,
           sum(CASE WHEN metric_name = 'ThrottledRequests' THEN total END) AS throttles,
           sum(CASE WHEN metric_name IN ('ReadThrottleEvents', 'WriteThrottleEvents') THEN total END) AS throttle_events,
           sum(CASE WHEN metric_name = 'SystemErrors' THEN total END) AS system_errors,
           sum(CASE WHEN metric_name = 'ConditionalCheckFailedRequests' THEN total END) AS conditional_failures,
           sum(CASE WHEN metric_name = 'SuccessfulRequestLatency' AND operation = 'GetItem' THEN samples END) AS get_item,
           sum(CASE WHEN metric_name = 'SuccessfulRequestLatency' AND operation = 'Query' THEN samples END) AS query,
           sum(CASE WHEN metric_name = 'SuccessfulRequestLatency' AND operation = 'Scan' THEN samples END) AS scan,
           sum(CASE WHEN metric_name = 'SuccessfulRequestLatency' AND operation = 'PutItem' THEN samples END) AS put_item,
           sum(CASE WHEN metric_name = 'SuccessfulRequestLatency' AND operation = 'UpdateItem' THEN samples END) AS update_item,
           sum(CASE WHEN metric_name = 'SuccessfulRequestLatency' AND operation = 'DeleteItem' THEN samples END) AS delete_item,
           sum(CASE WHEN metric_name = 'SuccessfulRequestLatency' AND operation = 'BatchGetItem' THEN samples END) AS batch_get_item,
           sum(CASE WHEN metric_name = 'SuccessfulRequestLatency' AND operation = 'BatchWriteItem' THEN samples END) AS batch_write_item,
           sum(CASE WHEN metric_name = 'SuccessfulRequestLatency' AND operation LIKE 'Transact%' THEN samples END) AS transact,
           sum(CASE WHEN metric_name = 'SuccessfulRequestLatency' AND (operation LIKE 'ExecuteS%' OR operation LIKE 'BatchExecute%') THEN samples END) AS partiql
    FROM dp WHERE period = finest GROUP BY bucket),
-- CloudTrail data calls on the table, one per event.
calls AS (
    SELECT e.id, e.event_name, e.read_only, p.arn, unixepoch(e.event_time) / 300 * 300 AS bucket
    FROM item_accesses a JOIN events e ON e.id = a.event_id JOIN ddb_tables t ON t.id = a.table_id
    LEFT JOIN principals p ON p.id = e.principal_id
    WHERE t.name = :table
      AND (:since = '' OR unixepoch(e.event_time) >= unixepoch(:since) / 300 * 300)
      AND (:until = '' OR unixepoch(e.event_time) < unixepoch(:until))
    GROUP BY e.id),
c AS (
    SELECT bucket, count(*) AS ct_events,
           sum(event_name IN ('GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems')
               OR (event_name LIKE '%Statement' AND coalesce(read_only, 0) = 1)) AS ct_reads,
           sum(event_name IN ('PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems')
               OR (event_name LIKE '%Statement' AND coalesce(read_only, 1) = 0)) AS ct_writes,
           sum(event_name = 'Scan') AS ct_scans, group_concat(DISTINCT arn) AS ct_principals
    FROM calls GROUP BY bucket),
b AS (SELECT bucket FROM m UNION SELECT bucket FROM c)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', b.bucket, 'unixepoch') AS window_start,
       m.read_units, m.write_units, m.throttles, m.throttle_events, m.system_errors, m.conditional_failures, m.get_item, m.query, m.scan,
       m.put_item, m.update_item, m.delete_item, m.batch_get_item, m.batch_write_item, m.transact, m.partiql,
       coalesce(c.ct_events, 0) AS ct_events, coalesce(c.ct_reads, 0) AS ct_reads, coalesce(c.ct_writes, 0) AS ct_writes,
       coalesce(c.ct_scans, 0) AS ct_scans, c.ct_principals
FROM b LEFT JOIN m ON m.bucket = b.bucket LEFT JOIN c ON c.bucket = b.bucket
ORDER BY b.bucket;
