-- name: kms-keys
-- title: KMS keys DynamoDB used for each table, and who used or changed them
-- description: Per table, the KMS keys tied to it by the encryption context aws:dynamodb:tableName of KMS calls (and the constraints of grants), or by the SSE settings of CreateTable, UpdateTable and restores; per key, every principal and access key that used it (Decrypt, Encrypt, GenerateDataKey*, ReEncrypt*) or changed it (DisableKey, ScheduleKeyDeletion, PutKeyPolicy, grants, rotation, and the table's own SSE call), with counts, failures and first and last time; rotation says whether the last rotation call turned rotation off. A key named by alias or key id is resolved to its ARN through the resources of KMS calls in the case where it can be.
-- kind: investigation
-- param: table text = ''  Table name (empty: every table)
-- columns: table, account, region, key_arn, tied_by, rotation, event_name, principal_arn, access_key_id, calls, failed, first_seen, last_seen
-- table-columns: table, key_arn, rotation, event_name, principal_arn, calls, first_seen, last_seen
-- Each record is read once (event_record), by the CTEs that select the calls concerned.
WITH kms_calls AS MATERIALIZED (
    SELECT e.*, event_record(e.id) AS raw FROM events e WHERE e.event_source = 'kms.amazonaws.com'),
sse_calls AS MATERIALIZED (
    SELECT e.*, event_record(e.id) AS raw FROM events e WHERE e.event_source = 'dynamodb.amazonaws.com'
       AND e.event_name IN ('CreateTable', 'UpdateTable', 'RestoreTableFromBackup', 'RestoreTableToPointInTime')),
kms AS MATERIALIZED (
    SELECT e.id, e.event_time, e.event_name, e.error_code, e.principal_id, e.aws_region, e.recipient_account_id,
           (SELECT coalesce(json_extract(r.value, '$.ARN'), json_extract(r.value, '$.arn'))
              FROM json_each(e.raw, '$.resources') r
             WHERE coalesce(json_extract(r.value, '$.ARN'), json_extract(r.value, '$.arn')) LIKE 'arn:%:kms:%:key/%'
             LIMIT 1) AS resource_key,
           coalesce(json_extract(e.raw, '$.requestParameters.keyId'), json_extract(e.raw, '$.requestParameters.KeyId'),
                    json_extract(e.raw, '$.requestParameters.sourceKeyId'), json_extract(e.raw, '$.requestParameters.destinationKeyId')) AS key_ref,
           coalesce(json_extract(e.raw, '$.requestParameters.encryptionContext."aws:dynamodb:tableName"'),
                    json_extract(e.raw, '$.requestParameters.sourceEncryptionContext."aws:dynamodb:tableName"'),
                    json_extract(e.raw, '$.requestParameters.constraints.encryptionContextSubset."aws:dynamodb:tableName"'),
                    json_extract(e.raw, '$.requestParameters.constraints.encryptionContextEquals."aws:dynamodb:tableName"')) AS table_name,
           coalesce(json_extract(e.raw, '$.requestParameters.encryptionContext."aws:dynamodb:subscriberId"'),
                    json_extract(e.raw, '$.requestParameters.sourceEncryptionContext."aws:dynamodb:subscriberId"'),
                    json_extract(e.raw, '$.requestParameters.constraints.encryptionContextSubset."aws:dynamodb:subscriberId"'),
                    json_extract(e.raw, '$.requestParameters.constraints.encryptionContextEquals."aws:dynamodb:subscriberId"'),
                    e.recipient_account_id) AS account
    FROM kms_calls e),
-- Aliases (alias/NAME, however they were written) and the key ARNs calls naming them resolved to.
aliases AS (
    SELECT DISTINCT substr(key_ref, instr(key_ref, 'alias/')) AS alias, resource_key AS key_arn
    FROM kms WHERE key_ref LIKE '%alias/%' AND resource_key IS NOT NULL),
known_keys AS (
    SELECT DISTINCT resource_key AS key_arn FROM kms WHERE resource_key IS NOT NULL),
sse AS (
    SELECT e.id, e.event_time, e.event_name, e.error_code, e.principal_id, t.name AS table_name, t.account_id AS account, t.region,
           coalesce(json_extract(e.raw, '$.responseElements.tableDescription.sSEDescription.kMSMasterKeyArn'),
                    json_extract(e.raw, '$.responseElements.tableDescription.SSEDescription.KMSMasterKeyArn'),
                    json_extract(e.raw, '$.responseElements.tableDescription.sseDescription.kmsMasterKeyArn'),
                    json_extract(s.spec, '$.kMSMasterKeyId'), json_extract(s.spec, '$.KMSMasterKeyId'), json_extract(s.spec, '$.kmsMasterKeyId'),
                    'alias/aws/dynamodb') AS key_ref
    FROM sse_calls e
    JOIN (SELECT e2.id, coalesce(json_extract(e2.raw, '$.requestParameters.sSESpecification'), json_extract(e2.raw, '$.requestParameters.SSESpecification'),
                                 json_extract(e2.raw, '$.requestParameters.sseSpecification'), json_extract(e2.raw, '$.requestParameters.sSESpecificationOverride'),
                                 json_extract(e2.raw, '$.requestParameters.SSESpecificationOverride')) AS spec
          FROM sse_calls e2) s ON s.id = e.id
    JOIN table_references r ON r.event_id = e.id AND r.role NOT LIKE 'source%' AND r.role <> 'backupArn'
    JOIN ddb_tables t ON t.id = r.table_id
    WHERE s.spec IS NOT NULL
      AND coalesce(json_extract(s.spec, '$.enabled'), json_extract(s.spec, '$.Enabled'), 1) NOT IN (0, 'false')
      AND upper(coalesce(json_extract(s.spec, '$.sSEType'), json_extract(s.spec, '$.SSEType'), json_extract(s.spec, '$.sseType'), 'KMS')) = 'KMS'),
-- One key ARN per reference where the case can tell it; otherwise the reference as written.
resolved AS (
    SELECT ref,
           CASE WHEN ref LIKE 'arn:%:kms:%:key/%' THEN ref
                ELSE coalesce((SELECT a.key_arn FROM aliases a WHERE a.alias = substr(ref, instr(ref, 'alias/')) AND ref LIKE '%alias/%' ORDER BY 1 LIMIT 1),
                              (SELECT k.key_arn FROM known_keys k WHERE ref NOT LIKE '%/%' AND k.key_arn LIKE '%:key/' || ref ORDER BY 1 LIMIT 1),
                              ref) END AS key_arn
    FROM (SELECT key_ref AS ref FROM kms WHERE key_ref IS NOT NULL UNION SELECT key_ref FROM sse)),
calls AS (
    SELECT k.id, k.event_time, k.event_name, k.error_code, k.principal_id, k.table_name, k.account, k.aws_region AS region,
           coalesce(k.resource_key, (SELECT key_arn FROM resolved WHERE ref = k.key_ref)) AS key_arn, 'encryption-context' AS tied_by
    FROM kms k
    UNION ALL
    SELECT s.id, s.event_time, s.event_name, s.error_code, s.principal_id, s.table_name, s.account, s.region,
           (SELECT key_arn FROM resolved WHERE ref = s.key_ref), 'sse-setting'
    FROM sse s),
table_keys AS (
    SELECT table_name, account, region, key_arn, group_concat(DISTINCT tied_by) AS tied_by
    FROM calls WHERE table_name IS NOT NULL AND key_arn IS NOT NULL
      AND (:table = '' OR table_name = :table)
    GROUP BY table_name, account, region, key_arn),
rotation AS (
    SELECT key_arn,
           CASE WHEN event_name = 'DisableKeyRotation' THEN 'disabled at ' || event_time ELSE 'enabled at ' || event_time END AS state
    FROM (SELECT key_arn, event_name, event_time,
                 row_number() OVER (PARTITION BY key_arn ORDER BY event_time DESC, id DESC) AS n
          FROM calls WHERE event_name IN ('EnableKeyRotation', 'DisableKeyRotation') AND error_code IS NULL)
    WHERE n = 1),
activity AS (
    SELECT DISTINCT id, event_time, event_name, error_code, principal_id, key_arn FROM calls
    WHERE key_arn IS NOT NULL
      AND (event_name IN ('Decrypt', 'Encrypt', 'DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy', 'CreateGrant', 'RetireGrant',
                          'RevokeGrant', 'EnableKeyRotation', 'DisableKeyRotation', 'CreateTable', 'UpdateTable',
                          'RestoreTableFromBackup', 'RestoreTableToPointInTime')
           OR event_name LIKE 'GenerateDataKey%' OR event_name LIKE 'ReEncrypt%'))
SELECT tk.table_name AS "table", tk.account, tk.region, tk.key_arn, tk.tied_by,
       coalesce(ro.state, 'no rotation call in the case') AS rotation,
       a.event_name, p.arn AS principal_arn, p.access_key_id,
       count(*) AS calls, sum(a.error_code IS NOT NULL) AS failed,
       min(a.event_time) AS first_seen, max(a.event_time) AS last_seen
FROM table_keys tk
JOIN activity a ON a.key_arn = tk.key_arn
LEFT JOIN principals p ON p.id = a.principal_id
LEFT JOIN rotation ro ON ro.key_arn = tk.key_arn
GROUP BY tk.table_name, tk.account, tk.region, tk.key_arn, a.event_name, p.arn, p.access_key_id
ORDER BY tk.table_name, tk.account, tk.region, tk.key_arn, first_seen, a.event_name, principal_arn;
