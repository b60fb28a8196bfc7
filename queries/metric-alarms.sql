-- name: metric-alarms
-- title: The DynamoDB alarm set replayed on CloudWatch metrics
-- description: CloudWatch metric sums per 5-minute window (1-minute datapoints added up, 5-minute ones as they are, hourly ones left out): metric-throttling per table (the larger of ThrottledRequests and ReadThrottleEvents + WriteThrottleEvents) above max_throttles, metric-user-errors (UserErrors, per account and region) above max_user_errors, metric-system-errors per table above max_system_errors, metric-conditional-check-failures per table above max_conditional_failures. One finding per window; the detail names the CloudTrail data events of that table in the window, when the case has any.
-- kind: detection
-- param: max_throttles integer = 10  Throttled requests per table and 5 minutes tolerated
-- param: max_user_errors integer = 100  UserErrors per account, region and 5 minutes tolerated
-- param: max_system_errors integer = 0  SystemErrors per table and 5 minutes tolerated
-- param: max_conditional_failures integer = 25  ConditionalCheckFailedRequests per table and 5 minutes tolerated
-- columns: rule, severity, title, principal_arn, access_key_id, table, window_start, window_end, detail, value, account_id, region, evidence_event_ids, drill_down
-- 5-minute windows of the alarm metrics (metric_windows, schema 008).
WITH w AS (
    SELECT account_id, region, CASE WHEN metric_name = 'UserErrors' THEN NULL ELSE table_name END AS table_name, bucket,
           sum(CASE WHEN metric_name = 'ThrottledRequests' THEN total END) AS throttled,
           sum(CASE WHEN metric_name IN ('ReadThrottleEvents', 'WriteThrottleEvents') THEN total END) AS throttle_events,
           sum(CASE WHEN metric_name = 'UserErrors' THEN total END) AS user_errors,
           sum(CASE WHEN metric_name = 'SystemErrors' THEN total END) AS system_errors,
           sum(CASE WHEN metric_name = 'ConditionalCheckFailedRequests' THEN total END) AS conditional
    FROM metric_windows
    WHERE namespace = 'AWS/DynamoDB' AND gsi_name IS NULL AND (table_name IS NOT NULL OR metric_name = 'UserErrors')
      AND metric_name IN ('ThrottledRequests', 'ReadThrottleEvents', 'WriteThrottleEvents', 'UserErrors',
                          'SystemErrors', 'ConditionalCheckFailedRequests')
    GROUP BY 1, 2, 3, 4),
hits AS (
    SELECT 'metric-throttling' AS rule, 'medium' AS severity, w.*, max(coalesce(throttled, 0), coalesce(throttle_events, 0)) AS value,
           'ThrottledRequests ' || coalesce(printf('%g', throttled), 'n/a') || ', Read+WriteThrottleEvents ' || coalesce(printf('%g', throttle_events), 'n/a')
             || ' (threshold > ' || :max_throttles || ')' AS numbers
    FROM w WHERE table_name IS NOT NULL AND max(coalesce(throttled, 0), coalesce(throttle_events, 0)) > :max_throttles
    UNION ALL
    SELECT 'metric-user-errors', 'medium', w.*, user_errors, 'UserErrors ' || printf('%g', user_errors) || ' (threshold > ' || :max_user_errors || ')'
    FROM w WHERE table_name IS NULL AND user_errors > :max_user_errors
    UNION ALL
    SELECT 'metric-system-errors', 'low', w.*, system_errors, 'SystemErrors ' || printf('%g', system_errors) || ' (threshold > ' || :max_system_errors || ')'
    FROM w WHERE table_name IS NOT NULL AND system_errors > :max_system_errors
    UNION ALL
    SELECT 'metric-conditional-check-failures', 'medium', w.*, conditional,
           'ConditionalCheckFailedRequests ' || printf('%g', conditional) || ' (threshold > ' || :max_conditional_failures || ')'
    FROM w WHERE table_name IS NOT NULL AND conditional > :max_conditional_failures),
-- CloudTrail data events per table and window, for the tables these findings name.
ct AS (
    SELECT t.name, t.account_id, t.region, unixepoch(e.event_time) / 300 * 300 AS bucket,
           count(DISTINCT e.id) AS events, group_concat(DISTINCT p.arn) AS arns
    FROM item_accesses a JOIN events e ON e.id = a.event_id JOIN ddb_tables t ON t.id = a.table_id
    LEFT JOIN principals p ON p.id = e.principal_id
    WHERE t.name IN (SELECT table_name FROM hits)
    GROUP BY 1, 2, 3, 4)
SELECT h.rule, h.severity,
       printf('%g', h.value) || ' ' || replace(substr(h.rule, 8), '-', ' ') || ' in 5 minutes (CloudWatch)'
         || coalesce(' on ' || h.table_name, ' in ' || h.account_id || ' ' || h.region) AS title,
       NULL AS principal_arn, NULL AS access_key_id, h.table_name AS "table",
       strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket, 'unixepoch') AS window_start,
       strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket + 300, 'unixepoch') AS window_end,
       h.numbers || coalesce('; CloudTrail: ' || (SELECT sum(c.events) || ' data events by ' || group_concat(c.arns, ',') FROM ct c
            WHERE c.name = h.table_name AND c.bucket = h.bucket
              AND (h.account_id = '' OR c.account_id = h.account_id) AND (h.region = '' OR c.region = h.region)), '') AS detail,
       h.value, h.account_id, h.region, NULL AS evidence_event_ids,
       CASE WHEN h.table_name IS NOT NULL
            THEN 'ddbtrail investigate table-metrics --param table=' || h.table_name
                 || ' --param since=' || strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket, 'unixepoch')
                 || ' --param until=' || strftime('%Y-%m-%dT%H:%M:%SZ', h.bucket + 300, 'unixepoch')
            ELSE 'ddbtrail investigate denied-and-failed' END AS drill_down
FROM hits h
ORDER BY window_start, rule, "table";
