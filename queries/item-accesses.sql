-- name: item-accesses
-- title: Every call that touched one item
-- description: Who called which DynamoDB API on one item key, when and from where, failed attempts included; key_logged is false for a call whose record logs no key and that attribution by shape tied to this item.
-- kind: internal
-- param: table text  Table name
-- param: key text  Canonical item key, e.g. {"customerId":"C-1001","orderId":"O-77"}
-- columns: event_time, event_name, operation, principal_arn, access_key_id, source_ip, user_agent, error_code, event_id, key_logged
-- table-columns: event_time, event_name, operation, principal_arn, source_ip, error_code
SELECT e.event_time, e.event_name, a.operation, p.arn AS principal_arn, p.access_key_id,
       e.source_ip, e.user_agent, e.error_code, e.event_id, a.item_key IS NOT NULL AS key_logged
FROM item_accesses a
JOIN ddb_tables t ON t.id = a.table_id
JOIN events e ON e.id = a.event_id
LEFT JOIN principals p ON p.id = e.principal_id
WHERE t.name = :table AND (a.item_key = :key OR a.inferred_item_key = :key)
ORDER BY e.event_time, e.id;
