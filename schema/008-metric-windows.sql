-- ddbtrail case database, migration 008: the 5-minute windows the metric detections read.

-- Each CloudWatch series (account, region, namespace, metric, dimensions) summed per 5-minute
-- window: 1-minute datapoints are added up, 5-minute ones taken as they are, and where a series
-- has both for one window the finer ones count; hourly datapoints are left out. A datapoint held
-- twice (a metric stream and a get-metric-data output) counts once. `total` sums Sum, `samples`
-- sums SampleCount.
CREATE VIEW metric_windows AS
WITH raw AS (
    SELECT account_id, region, namespace, metric_name, table_name, operation, gsi_name, dimensions, timestamp,
           coalesce(period, 60) AS period, max(sum) AS total, max(sample_count) AS samples,
           unixepoch(timestamp) / 300 * 300 AS bucket
    FROM metric_datapoints
    WHERE coalesce(period, 60) <= 300
    GROUP BY account_id, region, namespace, metric_name, dimensions, timestamp, coalesce(period, 60)),
dp AS (
    SELECT *, min(period) OVER (PARTITION BY account_id, region, namespace, metric_name, dimensions, bucket) AS finest FROM raw)
SELECT account_id, region, namespace, metric_name, table_name, operation, gsi_name, dimensions, bucket,
       sum(total) AS total, sum(samples) AS samples
FROM dp WHERE period = finest
GROUP BY account_id, region, namespace, metric_name, dimensions, bucket;
