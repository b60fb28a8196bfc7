-- name: info-time-range
-- title: Time range per account and region
-- description: First and last event time and event count for each recipient account and region.
-- kind: internal
-- columns: account_id, aws_region, first_event, last_event, events
SELECT coalesce(recipient_account_id, '') AS account_id,
       coalesce(aws_region, '') AS aws_region,
       min(event_time) AS first_event,
       max(event_time) AS last_event,
       count(*) AS events
FROM events
GROUP BY 1, 2
ORDER BY 1, 2;
