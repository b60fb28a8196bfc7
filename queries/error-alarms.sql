-- name: error-alarms
-- title: The DynamoDB error alarms, replayed over history
-- description: The alarm set a DynamoDB security baseline asks for, evaluated in fixed windows over the whole case: throttled requests per table above max_throttles, user errors (4xx, per account and region) above max_user_errors, any system error (5xx) per table above max_system_errors, and conditional-check failures per table above max_conditional_failures.
-- kind: detection
-- param: window integer = 300  Window length in seconds
-- param: max_throttles integer = 10  Throttled requests per table and window tolerated
-- param: max_user_errors integer = 100  User errors (4xx) per account, region and window tolerated
-- param: max_system_errors integer = 0  System errors (5xx) per table and window tolerated
-- param: max_conditional_failures integer = 25  Conditional-check failures per table and window tolerated
-- columns: rule, severity, title, principal_arn, access_key_id, table, window_start, window_end, detail, errors, evidence_event_ids, drill_down
-- json-columns: evidence_event_ids
WITH failed AS (
    SELECT e.id, e.event_id, e.event_time, e.error_code, e.recipient_account_id, e.aws_region,
           unixepoch(e.event_time) / :window AS bucket,
           coalesce((SELECT min(a.table_id) FROM item_accesses a WHERE a.event_id = e.id),
                    (SELECT min(r.table_id) FROM table_references r WHERE r.event_id = e.id)) AS table_id,
           CASE WHEN e.error_code IN ('ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'Throttling')
                  THEN 'throttling'
                WHEN e.error_code IN ('InternalServerError', 'InternalFailure', 'InternalServerException', 'ServiceUnavailable', 'ServiceUnavailableException')
                  THEN 'system-errors'
                WHEN e.error_code = 'ConditionalCheckFailedException' THEN 'conditional-check-failures'
                ELSE 'user-errors' END AS kind
    FROM events e
    WHERE e.error_code IS NOT NULL AND e.event_source = 'dynamodb.amazonaws.com'),
windows AS (
    SELECT kind, CASE WHEN kind = 'user-errors' THEN NULL ELSE table_id END AS table_id,
           recipient_account_id, aws_region, bucket, count(*) AS n,
           min(event_time) AS first_time, max(event_time) AS last_time,
           json_group_array(event_id) AS ids, group_concat(DISTINCT error_code) AS codes
    FROM failed GROUP BY 1, 2, 3, 4, 5)
SELECT w.kind AS rule, 'medium' AS severity,
       w.n || ' ' || replace(w.kind, '-', ' ') || ' in ' || (:window / 60) || ' minutes' || coalesce(' on ' || t.name, ' in ' || w.recipient_account_id || ' ' || w.aws_region) AS title,
       NULL AS principal_arn, NULL AS access_key_id, t.name AS "table",
       w.first_time AS window_start, w.last_time AS window_end,
       'error codes: ' || w.codes AS detail, w.n AS errors, w.ids AS evidence_event_ids,
       CASE WHEN t.name IS NOT NULL
            THEN 'ddbtrail investigate table-timeline --param table=' || t.name || ' --param since=' || w.first_time
                 || ' --param until=' || strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(w.last_time) + 1, 'unixepoch')
            ELSE 'ddbtrail investigate denied-and-failed' END AS drill_down
FROM windows w
LEFT JOIN ddb_tables t ON t.id = w.table_id
WHERE w.n > CASE w.kind WHEN 'throttling' THEN :max_throttles WHEN 'system-errors' THEN :max_system_errors
                        WHEN 'conditional-check-failures' THEN :max_conditional_failures ELSE :max_user_errors END
ORDER BY window_start, rule;
