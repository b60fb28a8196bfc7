-- name: info-event-counts
-- title: Events by source and category
-- description: How many events each service produced, split by category (Management/Data/…), with failures.
-- kind: internal
-- columns: event_source, event_category, events, failed
SELECT coalesce(event_source, '') AS event_source,
       coalesce(event_category, '') AS event_category,
       count(*) AS events,
       sum(error_code IS NOT NULL) AS failed
FROM events
GROUP BY 1, 2
ORDER BY events DESC, 1, 2;
