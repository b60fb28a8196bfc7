-- ddbtrail case database, migration 004: attribution of changes to calls whose CloudTrail record
-- logs no item key (PartiQL INSERT, whose values are all redacted; batch puts that log only the
-- attribute names), by the shape of what they wrote; and the calls weighed for each change that
-- could not be pinned on one of them.
--
-- item_accesses.attribute_names may now also hold {"touches":[names]}: the top-level attributes a
-- PartiQL UPDATE sets or removes. A PartiQL INSERT's names (its VALUE tuple) are a JSON array,
-- like PutItem's `item` list.

-- The item a key-less call member was inferred to have written: set by attribution by shape
-- (change_attributions.method = 'matched-by-shape'), never by the call's own record; item_key
-- stays NULL, so a logged key and an inferred one cannot be mixed up.
ALTER TABLE item_accesses ADD COLUMN inferred_item_key TEXT;
CREATE INDEX item_accesses_by_inferred_key ON item_accesses(inferred_item_key, table_id)
    WHERE inferred_item_key IS NOT NULL;

-- The calls (one member each) that could each have caused a change attributed as 'ambiguous' or
-- 'matched-by-shape'. Recomputed with change_attributions.
CREATE TABLE attribution_candidates (
    change_id      INTEGER NOT NULL REFERENCES changes(id),
    item_access_id INTEGER NOT NULL REFERENCES item_accesses(id),
    event_id       INTEGER NOT NULL REFERENCES events(id),
    PRIMARY KEY (change_id, item_access_id)
) WITHOUT ROWID;
CREATE INDEX attribution_candidates_by_event ON attribution_candidates(event_id);
