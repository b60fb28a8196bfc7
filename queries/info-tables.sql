-- name: info-tables
-- title: DynamoDB tables and data-event coverage
-- description: Every table the evidence names, with its data-plane (item-level) events. A table with no data events may still have been read or written: CloudTrail logs data events only when a trail or event data store was configured for them, so their absence proves nothing.
-- kind: internal
-- columns: account_id, region, table_name, data_events, item_accesses, first_data_event, last_data_event, management_events, note
WITH data AS (
    SELECT a.table_id, count(DISTINCT a.event_id) AS data_events, count(*) AS item_accesses,
           min(e.event_time) AS first_data_event, max(e.event_time) AS last_data_event
    FROM item_accesses a JOIN events e ON e.id = a.event_id
    GROUP BY a.table_id
), mgmt AS (
    SELECT r.table_id, count(DISTINCT r.event_id) AS management_events
    FROM table_references r JOIN events e ON e.id = r.event_id
    WHERE coalesce(e.event_category, 'Management') = 'Management'
    GROUP BY r.table_id
)
SELECT t.account_id, t.region, t.name AS table_name,
       coalesce(d.data_events, 0) AS data_events,
       coalesce(d.item_accesses, 0) AS item_accesses,
       d.first_data_event, d.last_data_event,
       coalesce(m.management_events, 0) AS management_events,
       CASE WHEN d.data_events IS NULL
            THEN 'no data events in the evidence: item activity cannot be ruled out'
            ELSE '' END AS note
FROM ddb_tables t
LEFT JOIN data d ON d.table_id = t.id
LEFT JOIN mgmt m ON m.table_id = t.id
ORDER BY t.account_id, t.region, t.name;
