-- name: item-history
-- title: The whole life of one item
-- description: Every call that touched the item (reads, writes and failed attempts, with their error codes) and every change to it, with its diff and the principal it is attributed to. `ddbtrail item` runs this query. Kind `access-inferred` is a call whose record logs no key (PartiQL INSERT, a batch put logging only names) that attribution by shape tied to one of the item's changes: the key is inferred, not logged. A change's `candidate_event_ids` are the CloudTrail eventIDs of every call weighed when it is ambiguous or matched by shape. `file_integrity` is what `ddbtrail verify` found for the log file the CloudTrail record came from (verified, listed, modified, moved, not-listed, unverifiable; null for other evidence).
-- param: table text  Table name
-- param: key item-key  The item's key: customerId=C-1001,orderId=O-77 or {"customerId":"C-1001","orderId":"O-77"}
-- param: since time = ''  Earliest time, inclusive
-- param: until time = ''  Latest time, exclusive
-- (CROSS JOIN keeps SQLite driving from the wanted keys through the item_key indexes.)
-- columns: kind, time, event_name, operation, event_id, stream_event_id, principal_arn, access_key_id, source_ip, user_agent, error_code, change_type, old_image, new_image, diff, attribution, confidence, reason, candidate_event_ids, file_integrity
-- json-columns: old_image, new_image, diff
-- table-columns: kind, time, event_name, principal_arn, source_ip, diff, attribution
WITH wanted(item_key) AS (SELECT value FROM json_each(:key)),
     tables(id) AS (SELECT id FROM ddb_tables WHERE name = :table)
SELECT 'access' AS kind, e.event_time AS time, e.event_name, a.operation, e.event_id,
       NULL AS stream_event_id, p.arn AS principal_arn, p.access_key_id, e.source_ip, e.user_agent,
       e.error_code, NULL AS change_type, NULL AS old_image, NULL AS new_image, NULL AS diff,
       NULL AS attribution, NULL AS confidence, NULL AS reason, NULL AS candidate_event_ids,
       (SELECT integrity FROM source_files sf WHERE sf.id = e.source_file_id) AS file_integrity
FROM wanted w
CROSS JOIN item_accesses a ON a.item_key = w.item_key
JOIN events e ON e.id = a.event_id
LEFT JOIN principals p ON p.id = e.principal_id
WHERE a.table_id IN (SELECT id FROM tables)
  AND (:since = '' OR e.event_time >= :since)
  AND (:until = '' OR e.event_time < :until)
UNION ALL
SELECT 'access-inferred', e.event_time, e.event_name, a.operation, e.event_id,
       NULL, p.arn, p.access_key_id, e.source_ip, e.user_agent,
       e.error_code, NULL, NULL, NULL, NULL,
       'matched-by-shape', NULL, 'no key logged: tied to this item by the shape of what it wrote', NULL,
       (SELECT integrity FROM source_files sf WHERE sf.id = e.source_file_id)
FROM wanted w
CROSS JOIN item_accesses a ON a.inferred_item_key = w.item_key
JOIN events e ON e.id = a.event_id
LEFT JOIN principals p ON p.id = e.principal_id
WHERE a.table_id IN (SELECT id FROM tables)
  AND (:since = '' OR e.event_time >= :since)
  AND (:until = '' OR e.event_time < :until)
UNION ALL
SELECT 'change', c.change_time, ce.event_name, ca.operation, ce.event_id,
       c.stream_event_id, p.arn, p.access_key_id, ce.source_ip, ce.user_agent,
       NULL, c.change_type, c.old_image, c.new_image, c.diff,
       at.method, at.confidence, at.reason,
       (SELECT group_concat(ev.event_id, ' ') FROM attribution_candidates ac JOIN events ev ON ev.id = ac.event_id
        WHERE ac.change_id = c.id),
       (SELECT integrity FROM source_files sf WHERE sf.id = ce.source_file_id)
FROM wanted w
CROSS JOIN changes c ON c.item_key = w.item_key
LEFT JOIN change_attributions at ON at.change_id = c.id
LEFT JOIN events ce ON ce.id = at.event_id
LEFT JOIN item_accesses ca ON ca.id = at.item_access_id
LEFT JOIN principals p ON p.id = ce.principal_id
WHERE c.table_id IN (SELECT id FROM tables)
  AND (:since = '' OR c.change_time_us >= unixepoch(:since) * 1000000)
  AND (:until = '' OR c.change_time_us < unixepoch(:until) * 1000000)
ORDER BY time, kind;
