-- name: info-metrics
-- title: CloudWatch metric coverage beside data-event coverage
-- description: Per table, the DynamoDB metric datapoints the case holds (count, first and last timestamp, periods in seconds) and its CloudTrail data-event span, so a table with one kind of evidence and not the other stands out. Account-level metrics (UserErrors) are listed with no table.
-- kind: internal
-- columns: account_id, region, table_name, metric_datapoints, first_metric, last_metric, periods, first_data_event, last_data_event
WITH m AS (
    SELECT account_id, region, table_name, count(*) AS metric_datapoints, min(timestamp) AS first_metric,
           max(timestamp) AS last_metric, group_concat(DISTINCT coalesce(period, '?')) AS periods
    FROM metric_datapoints WHERE namespace = 'AWS/DynamoDB'
    GROUP BY account_id, region, table_name),
d AS (
    SELECT t.account_id, t.region, t.name, c.first_data_event, c.last_data_event
    FROM ddb_tables t JOIN data_event_coverage c ON c.table_id = t.id)
SELECT m.account_id, m.region, m.table_name, m.metric_datapoints, m.first_metric, m.last_metric, m.periods,
       (SELECT min(d.first_data_event) FROM d WHERE d.name = m.table_name AND (m.account_id = '' OR d.account_id = m.account_id)
          AND (m.region = '' OR d.region = m.region)) AS first_data_event,
       (SELECT max(d.last_data_event) FROM d WHERE d.name = m.table_name AND (m.account_id = '' OR d.account_id = m.account_id)
          AND (m.region = '' OR d.region = m.region)) AS last_data_event
FROM m
UNION ALL
SELECT d.account_id, d.region, d.name, 0, NULL, NULL, NULL, d.first_data_event, d.last_data_event
FROM d WHERE EXISTS (SELECT 1 FROM metric_datapoints)
  AND NOT EXISTS (SELECT 1 FROM metric_datapoints x WHERE x.table_name = d.name AND x.namespace = 'AWS/DynamoDB')
ORDER BY 1, 2, 3;
