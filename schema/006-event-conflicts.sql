-- ddbtrail case database, migration 006: copies of a CloudTrail event whose content differs from
-- the stored record (same eventID and recipientAccountId, different JSON value). That may be
-- tampering, or a tool that rewrote records; either way the copy is kept and both sides are flagged.
--
-- Copies are compared as JSON values: member order, whitespace and string escapes do not count
-- (S3 log files, CloudWatch Logs, EventBridge and lookup-events serialise one event differently);
-- numbers compare by their text as written; any other difference makes the copy conflicting.
-- The stored side of a conflict is the events row a conflicting copy points to (event_id).

-- The copy byte-exact (for wrapped formats: the embedded record as delivered), only when its
-- content differs from events.raw; NULL for plain duplicates, whose bytes events.raw already holds.
ALTER TABLE event_copies ADD COLUMN raw TEXT;
-- 1 when the copy's content differs from the stored event's (raw is then set), else 0.
ALTER TABLE event_copies ADD COLUMN conflicting INTEGER NOT NULL DEFAULT 0;

-- Events with conflicting copies, cheap to list; plain duplicates (nearly all copies) are not in it.
CREATE INDEX event_copies_conflicting ON event_copies(event_id) WHERE conflicting = 1;
