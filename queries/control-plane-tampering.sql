-- name: control-plane-tampering
-- title: Changes that weaken a table's protection or evidence
-- description: Point-in-time recovery disabled, stream disabled or its view type reduced, deletion protection removed, tables and backups deleted, TTL changed, resource policies put or deleted, Kinesis streaming destinations changed, global-table replicas changed, encryption (KMS key) changes on the table, and the KMS key a table uses disabled, scheduled for deletion, its rotation disabled or given a new key policy (tables are tied to their key by the encryption context aws:dynamodb:tableName of KMS calls in the case, or by CreateTable and UpdateTable SSE settings). One finding per call; a failed attempt is a finding too, one severity lower.
-- kind: detection
-- columns: rule, severity, title, principal_arn, access_key_id, table, window_start, window_end, detail, error_code, evidence_event_ids, drill_down
-- json-columns: evidence_event_ids
-- Records are read (event_record) only for the calls whose parameters decide the verdict, and
-- for the findings themselves.
WITH calls AS MATERIALIZED (
    SELECT e.*, CASE WHEN e.event_name IN ('UpdateContinuousBackups', 'UpdateTable', 'UpdateTimeToLive', 'CreateTable')
                     THEN event_record(e.id) END AS raw FROM events e
    WHERE e.id IN (SELECT event_id FROM table_references) AND e.event_source = 'dynamodb.amazonaws.com'),
classified AS (
    SELECT e.*, json_extract(e.raw, '$.requestParameters') AS request,
           CASE
             WHEN e.event_name = 'UpdateContinuousBackups'
                  AND json_extract(e.raw, '$.requestParameters.pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled') IN (0, 'false')
               THEN 'pitr-disabled|high|Point-in-time recovery disabled'
             WHEN e.event_name = 'UpdateTable' AND json_extract(e.raw, '$.requestParameters.streamSpecification.streamEnabled') IN (0, 'false')
               THEN 'stream-disabled|high|DynamoDB stream disabled'
             WHEN e.event_name = 'UpdateTable' AND json_extract(e.raw, '$.requestParameters.streamSpecification.streamViewType') IN ('KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE')
               THEN 'stream-view-reduced|medium|Stream view type set to ' || json_extract(e.raw, '$.requestParameters.streamSpecification.streamViewType')
             WHEN e.event_name = 'UpdateTable' AND json_extract(e.raw, '$.requestParameters.deletionProtectionEnabled') IN (0, 'false')
               THEN 'deletion-protection-removed|high|Deletion protection removed'
             WHEN e.event_name = 'UpdateTable' AND json_extract(e.raw, '$.requestParameters.replicaUpdates') IS NOT NULL
               THEN CASE WHEN e.raw LIKE '%"delete"%' OR e.raw LIKE '%"Delete"%'
                         THEN 'replica-removed|high|Global-table replica removed'
                         ELSE 'replica-changed|medium|Global-table replicas changed' END
             WHEN e.event_name IN ('UpdateGlobalTable', 'UpdateGlobalTableSettings')
               THEN 'replica-changed|medium|Global table changed (' || e.event_name || ')'
             WHEN e.event_name = 'UpdateTable' AND json_extract(e.raw, '$.requestParameters.sSESpecification') IS NOT NULL
               THEN 'table-encryption-changed|medium|Table encryption (KMS key) changed'
             WHEN e.event_name = 'DeleteTable' THEN 'table-deleted|high|Table deleted'
             WHEN e.event_name = 'DeleteBackup' THEN 'backup-deleted|high|Backup deleted'
             WHEN e.event_name = 'UpdateTimeToLive'
               THEN 'ttl-changed|medium|Time to live ' ||
                    CASE WHEN json_extract(e.raw, '$.requestParameters.timeToLiveSpecification.enabled') IN (0, 'false') THEN 'disabled'
                         ELSE 'set to attribute ' || coalesce(json_extract(e.raw, '$.requestParameters.timeToLiveSpecification.attributeName'), '?') END
             WHEN e.event_name = 'PutResourcePolicy' THEN 'resource-policy-changed|high|Resource policy put'
             WHEN e.event_name = 'DeleteResourcePolicy' THEN 'resource-policy-changed|medium|Resource policy deleted'
             WHEN e.event_name = 'DisableKinesisStreamingDestination' THEN 'kinesis-destination-changed|high|Kinesis streaming destination disabled'
             WHEN e.event_name IN ('EnableKinesisStreamingDestination', 'UpdateKinesisStreamingDestination')
               THEN 'kinesis-destination-changed|medium|Kinesis streaming destination ' || CASE e.event_name WHEN 'EnableKinesisStreamingDestination' THEN 'enabled' ELSE 'updated' END
           END AS verdict
    FROM calls e),
kms_calls AS MATERIALIZED (
    SELECT e.*, event_record(e.id) AS raw FROM events e WHERE e.event_source = 'kms.amazonaws.com'),
kms AS MATERIALIZED (
    SELECT e.id, e.event_name, e.raw,
           (SELECT coalesce(json_extract(r.value, '$.ARN'), json_extract(r.value, '$.arn')) FROM json_each(e.raw, '$.resources') r
             WHERE coalesce(json_extract(r.value, '$.ARN'), json_extract(r.value, '$.arn')) LIKE 'arn:%:kms:%:key/%' LIMIT 1) AS key_arn,
           json_extract(e.raw, '$.requestParameters.keyId') AS key_ref
    FROM kms_calls e),
sse_keys AS (
    SELECT DISTINCT t.name AS table_name,
           coalesce(json_extract(e.raw, '$.responseElements.tableDescription.sSEDescription.kMSMasterKeyArn'),
                    json_extract(e.raw, '$.requestParameters.sSESpecification.kMSMasterKeyId'),
                    json_extract(e.raw, '$.requestParameters.SSESpecification.KMSMasterKeyId')) AS key_ref
    FROM calls e JOIN table_references r ON r.event_id = e.id AND r.role NOT LIKE 'source%' AND r.role <> 'backupArn'
    JOIN ddb_tables t ON t.id = r.table_id
    WHERE e.event_name IN ('CreateTable', 'UpdateTable')),
-- Keys tied to a table: by the encryption context of KMS calls, or by the table's SSE settings
-- (a key id or alias resolved to the key ARN through KMS calls naming it).
kms_tables AS (
    SELECT DISTINCT key_arn, json_extract(raw, '$.requestParameters.encryptionContext."aws:dynamodb:tableName"') AS table_name
    FROM kms WHERE json_extract(raw, '$.requestParameters.encryptionContext."aws:dynamodb:tableName"') IS NOT NULL AND key_arn IS NOT NULL
    UNION
    SELECT DISTINCT coalesce(CASE WHEN s.key_ref LIKE 'arn:%:kms:%:key/%' THEN s.key_ref END,
                             (SELECT k.key_arn FROM kms k WHERE k.key_arn IS NOT NULL AND s.key_ref LIKE '%alias/%'
                                 AND substr(k.key_ref, instr(k.key_ref, 'alias/')) = substr(s.key_ref, instr(s.key_ref, 'alias/')) LIMIT 1),
                             (SELECT k.key_arn FROM kms k WHERE s.key_ref NOT LIKE '%/%' AND k.key_arn LIKE '%:key/' || s.key_ref LIMIT 1)),
           s.table_name
    FROM sse_keys s WHERE s.key_ref IS NOT NULL),
findings AS (
    SELECT c.id, c.event_id, c.event_time, c.event_name, c.error_code, c.principal_id,
           coalesce(c.request, json_extract(event_record(c.id), '$.requestParameters')) AS request,
           substr(verdict, 1, instr(verdict, '|') - 1) AS rule, substr(verdict, instr(verdict, '|') + 1) AS rest,
           (SELECT group_concat(name, ', ') FROM (SELECT DISTINCT t.name FROM table_references r JOIN ddb_tables t ON t.id = r.table_id WHERE r.event_id = c.id ORDER BY t.name)) AS table_names
    FROM classified c WHERE verdict IS NOT NULL
    UNION ALL
    SELECT e.id, e.event_id, e.event_time, e.event_name, e.error_code, e.principal_id, json_extract(e.raw, '$.requestParameters'),
           'table-kms-key-changed',
           CASE k.event_name WHEN 'DisableKey' THEN 'high|KMS key disabled' WHEN 'ScheduleKeyDeletion' THEN 'high|KMS key scheduled for deletion'
                             WHEN 'DisableKeyRotation' THEN 'high|KMS key rotation disabled'
                             ELSE 'medium|KMS key policy replaced' END || ' (' || k.key_arn || ')',
           (SELECT group_concat(table_name, ', ') FROM (SELECT DISTINCT x.table_name FROM kms_tables x WHERE x.key_arn = k.key_arn ORDER BY 1))
    FROM kms k JOIN kms_calls e ON e.id = k.id
    WHERE k.event_name IN ('DisableKey', 'ScheduleKeyDeletion', 'DisableKeyRotation', 'PutKeyPolicy')
      AND k.key_arn IN (SELECT key_arn FROM kms_tables))
SELECT f.rule,
       CASE WHEN f.error_code IS NULL THEN substr(f.rest, 1, instr(f.rest, '|') - 1)
            ELSE CASE substr(f.rest, 1, instr(f.rest, '|') - 1) WHEN 'high' THEN 'medium' ELSE 'low' END END AS severity,
       CASE WHEN f.error_code IS NULL THEN '' ELSE 'Attempted (' || f.error_code || '): ' END || substr(f.rest, instr(f.rest, '|') + 1)
           || coalesce(' on ' || f.table_names, '') AS title,
       p.arn AS principal_arn, p.access_key_id,
       f.table_names AS "table",
       f.event_time AS window_start, f.event_time AS window_end,
       f.event_name || ' ' || coalesce(f.request, 'null') AS detail, f.error_code,
       json_array(f.event_id) AS evidence_event_ids,
       'ddbtrail investigate principal-activity --param principal=' || coalesce(p.access_key_id, '''' || p.arn || '''')
           || ' --param since=' || strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(f.event_time) - 3600, 'unixepoch')
           || ' --param until=' || strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(f.event_time) + 3600, 'unixepoch') AS drill_down
FROM findings f
LEFT JOIN principals p ON p.id = f.principal_id
ORDER BY window_start, rule;
