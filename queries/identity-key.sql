-- name: identity-key
-- title: What the calls made with one access key say about their session
-- description: Each identity that used the key, with what the first of its calls recorded about the session in userIdentity: session issuer, creation time, MFA, console origin, and for service-issued sessions the instance or function behind it (inScopeOf, ec2RoleDelivery).
-- kind: internal
-- param: access_key_id text  The access key id (AKIA… or ASIA…)
-- param: earliest integer  1: read each identity's earliest call (by time, then eventID: the same whatever the import order; reads all its calls); 0: its first imported call (one index probe)
-- columns: principal_row, type, arn, account_id, principal_id, user_name, role_name, session_name, session_issuer_arn, session_issuer_type, source_identity, identity_center_user, invoked_by, identity_provider, session_created, mfa_authenticated, from_console, in_scope_issuer_type, credentials_issued_to, ec2_role_delivery, first_event_id, user_agent
-- One call of each identity is read. CASE evaluates the costly subquery only when asked to.
WITH keyed AS MATERIALIZED (
    SELECT p.*,
           CASE WHEN :earliest = 1
                THEN (SELECT e.id FROM events e WHERE e.principal_id = p.id ORDER BY e.event_time IS NULL, e.event_time, e.event_id LIMIT 1)
                ELSE (SELECT e.id FROM events e WHERE e.principal_id = p.id ORDER BY e.id LIMIT 1) END AS first_row
    FROM principals p
    WHERE p.access_key_id = :access_key_id
), firsts AS MATERIALIZED (
    SELECT k.*, e.event_id AS first_event_id, e.user_agent, event_record(e.id) AS raw
    FROM keyed k JOIN events e ON e.id = k.first_row
), facts AS MATERIALIZED (
    SELECT f.*,
           CASE WHEN json_valid(f.raw) THEN f.raw -> '$.userIdentity' END AS u,
           CASE WHEN json_valid(f.raw) THEN f.raw ->> '$.sessionCredentialFromConsole' END AS console
    FROM firsts f
)
SELECT f.id AS principal_row, f.type, f.arn, f.account_id, f.principal_id, f.user_name, f.role_name, f.session_name,
       f.session_issuer_arn,
       f.u ->> '$.sessionContext.sessionIssuer.type' AS session_issuer_type,
       f.source_identity, f.identity_center_user, f.invoked_by, f.identity_provider,
       f.u ->> '$.sessionContext.attributes.creationDate' AS session_created,
       f.u ->> '$.sessionContext.attributes.mfaAuthenticated' AS mfa_authenticated,
       f.console AS from_console,
       f.u ->> '$.inScopeOf.issuerType' AS in_scope_issuer_type,
       f.u ->> '$.inScopeOf.credentialsIssuedTo' AS credentials_issued_to,
       f.u ->> '$.sessionContext.ec2RoleDelivery' AS ec2_role_delivery,
       f.first_event_id, f.user_agent
FROM facts f
ORDER BY f.arn IS NULL, f.u ->> '$.sessionContext.attributes.creationDate' IS NULL, f.identity_key;
