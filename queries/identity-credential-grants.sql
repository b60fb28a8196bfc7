-- name: identity-credential-grants
-- title: Credentials issued by STS calls
-- description: Every successful STS call that issued credentials (AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity, GetFederationToken, GetSessionToken, AssumeRoot), read from the stored record: the key it issued, as whom, to which caller, and the SAML or web identity behind it. Imports store these rows in credential_grants; this query reads them straight from the records (event_record).
-- kind: internal
-- param: after integer  Only events with a larger events.id (0 for all)
-- columns: event_id, kind, issued_at, access_key_id, issued_arn, issued_principal_id, role_arn, session_name, source_identity, expiration, mfa_serial_number, caller_principal_id, caller_access_key_id, invoked_by, subject, subject_type, provider, issuer, audience
-- The IN term on event_source repeats the WHERE of the partial index events_by_identity_call word
-- for word, so only STS and sign-in events are read. MATERIALIZED keeps each record parsed once
-- into its three parts instead of once per column.
WITH records AS MATERIALIZED (
    SELECT e.id, e.event_name, e.event_time, e.principal_id, e.source_ip, e.recipient_account_id, event_record(e.id) AS raw
    FROM events e
    WHERE e.event_source IN ('sts.amazonaws.com', 'signin.amazonaws.com')
      AND e.event_source = 'sts.amazonaws.com'
      AND e.event_name IN ('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity',
                           'GetFederationToken', 'GetSessionToken', 'AssumeRoot')
      AND e.id > :after
      AND e.error_code IS NULL
),
calls AS MATERIALIZED (
    SELECT e.id, e.event_name, e.event_time, e.principal_id, e.source_ip, e.recipient_account_id,
           e.raw -> '$.userIdentity' AS who,
           e.raw -> '$.requestParameters' AS request,
           e.raw -> '$.responseElements' AS response
    FROM records e
    WHERE json_valid(e.raw)
)
SELECT c.id AS event_id,
       c.event_name AS kind,
       c.event_time AS issued_at,
       c.response ->> '$.credentials.accessKeyId' AS access_key_id,
       CASE c.event_name
           WHEN 'GetSessionToken' THEN nullif(c.who ->> '$.arn', '')
           WHEN 'GetFederationToken' THEN c.response ->> '$.federatedUser.arn'
           WHEN 'AssumeRoot' THEN
               CASE WHEN (c.request ->> '$.targetPrincipal') LIKE 'arn:%' THEN c.request ->> '$.targetPrincipal'
                    WHEN c.request ->> '$.targetPrincipal' IS NOT NULL THEN 'arn:aws:iam::' || (c.request ->> '$.targetPrincipal') || ':root'
               END
           ELSE c.response ->> '$.assumedRoleUser.arn'
       END AS issued_arn,
       coalesce(c.response ->> '$.assumedRoleUser.assumedRoleId', c.response ->> '$.federatedUser.federatedUserId') AS issued_principal_id,
       c.request ->> '$.roleArn' AS role_arn,
       coalesce(c.request ->> '$.roleSessionName', c.request ->> '$.name') AS session_name,
       coalesce(c.response ->> '$.sourceIdentity', c.request ->> '$.sourceIdentity') AS source_identity,
       -- CloudTrail writes it as Java renders a date ("Nov 3, 2026, 1:02:11 PM", in UTC).
       ddbtrail_utc(c.response ->> '$.credentials.expiration') AS expiration,
       c.request ->> '$.serialNumber' AS mfa_serial_number,
       c.principal_id AS caller_principal_id,
       nullif(c.who ->> '$.accessKeyId', '') AS caller_access_key_id,
       coalesce(nullif(c.who ->> '$.invokedBy', ''),
                CASE WHEN c.who ->> '$.type' = 'AWSService' THEN c.source_ip END) AS invoked_by,
       coalesce(c.response ->> '$.subject', c.response ->> '$.subjectFromWebIdentityToken') AS subject,
       c.response ->> '$.subjectType' AS subject_type,
       coalesce(c.request ->> '$.principalArn', c.response ->> '$.provider') AS provider,
       c.response ->> '$.issuer' AS issuer,
       c.response ->> '$.audience' AS audience
FROM calls c
WHERE c.response ->> '$.credentials.accessKeyId' IS NOT NULL
  AND c.response ->> '$.credentials.accessKeyId' <> ''
ORDER BY c.id;
