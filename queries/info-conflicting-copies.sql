-- name: info-conflicting-copies
-- title: Conflicting copies of CloudTrail events
-- description: Events of which another copy (same eventID and recipient account) holds different content: compared as JSON values, so whitespace, member order and escapes do not count. May be tampering, or a tool that rewrote records. One row per conflicting copy, with where the stored record and the copy were read (record = 0-based position in the file); the copy's bytes are in event_copies.raw, the stored record's from event_record(event_id), and import_errors has a warning naming the first differing member.
-- kind: internal
-- columns: event_id, account_id, event_time, event_name, stored_path, stored_record, copy_path, copy_record
SELECT e.event_id, e.recipient_account_id AS account_id, e.event_time, e.event_name,
       sf.path AS stored_path, e.record_index AS stored_record,
       cf.path AS copy_path, k.record_index AS copy_record
FROM event_copies k
JOIN events e ON e.id = k.event_id
JOIN source_files sf ON sf.id = e.source_file_id
JOIN source_files cf ON cf.id = k.source_file_id
WHERE k.conflicting = 1
ORDER BY e.event_time, e.event_id, cf.path, k.record_index;
