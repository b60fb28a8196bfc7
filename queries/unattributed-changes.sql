-- name: unattributed-changes
-- title: Changes with no CloudTrail cause, and why
-- description: Every change that is not linked to the call that made it: TTL expiry, no data events for the table or time, no fitting call, several calls that fit equally (ambiguous), or the table unknown; with the reason in words. Full-export snapshots are left out (they are states, not changes).
-- param: table text = ''  Only this table ('' for all)
-- param: since time = ''  Earliest time, inclusive
-- param: until time = ''  Latest time, exclusive
-- columns: time, table, item_key, change_type, attribution, candidates, reason, candidate_event_ids, stream_event_id, diff
-- json-columns: diff
-- table-columns: time, table, item_key, change_type, attribution, reason
SELECT c.change_time AS time, t.name AS "table", c.item_key, c.change_type, at.method AS attribution,
       at.candidates, at.reason,
       (SELECT group_concat(ev.event_id, ' ') FROM attribution_candidates ac JOIN events ev ON ev.id = ac.event_id
        WHERE ac.change_id = c.id) AS candidate_event_ids,
       c.stream_event_id, c.diff
FROM changes c
LEFT JOIN change_attributions at ON at.change_id = c.id
LEFT JOIN ddb_tables t ON t.id = c.table_id
WHERE coalesce(at.method, 'pending') NOT IN ('matched', 'matched-by-shape', 'snapshot')
  AND (:table = '' OR t.name = :table)
  AND (:since = '' OR c.change_time_us >= unixepoch(:since) * 1000000)
  AND (:until = '' OR c.change_time_us < unixepoch(:until) * 1000000)
ORDER BY c.change_time_us, c.sequence_number, c.id;
