-- name: identity-match
-- title: Identities a name, ARN or key refers to
-- description: Every distinct identity in the case that WHO names: an access key id, an ARN (of a user, a session, or a role — then every session of the role), a principal id, a user, role or session name, a source identity or an Identity Center user id; with its calls and when they were made. Keys that STS issued but that made no call in the evidence are listed from credential_grants.
-- kind: internal
-- param: who text  An ARN, access key id, principal id, or user / role / session name
-- columns: principal_row, type, arn, account_id, principal_id, user_name, role_name, session_name, access_key_id, source_identity, identity_center_user, invoked_by, session_issuer_arn, identity_provider, matched_on, events, first_seen, last_seen
WITH matched AS (
    SELECT p.*,
           CASE WHEN p.access_key_id = :who THEN 'access key id'
                WHEN p.arn = :who THEN 'arn'
                WHEN p.session_issuer_arn = :who THEN 'session issuer arn'
                WHEN p.principal_id = :who THEN 'principal id'
                WHEN p.user_name = :who THEN 'user name'
                WHEN p.role_name = :who THEN 'role name'
                WHEN p.session_name = :who THEN 'session name'
                WHEN p.source_identity = :who THEN 'source identity'
                ELSE 'Identity Center user id' END AS matched_on
    FROM principals p
    WHERE :who IN (p.access_key_id, p.arn, p.session_issuer_arn, p.principal_id, p.user_name, p.role_name,
                   p.session_name, p.source_identity, p.identity_center_user)
)
SELECT * FROM (
SELECT m.id AS principal_row, m.type, m.arn, m.account_id, m.principal_id, m.user_name, m.role_name, m.session_name,
       m.access_key_id, m.source_identity, m.identity_center_user, m.invoked_by, m.session_issuer_arn,
       m.identity_provider, m.matched_on,
       s.events, s.first_seen, s.last_seen
FROM matched m
JOIN (SELECT e.principal_id, count(*) AS events, min(e.event_time) AS first_seen, max(e.event_time) AS last_seen
      FROM events e WHERE e.principal_id IN (SELECT id FROM matched) GROUP BY e.principal_id) s
  ON s.principal_id = m.id
UNION ALL
SELECT NULL, NULL, g.issued_arn, NULL, g.issued_principal_id, NULL, NULL, g.session_name,
       g.access_key_id, g.source_identity, NULL, g.invoked_by, g.role_arn, g.provider,
       'credential grant (' || CASE WHEN g.access_key_id = :who THEN 'access key id'
                                    WHEN g.issued_arn = :who THEN 'issued arn'
                                    WHEN g.role_arn = :who THEN 'role arn'
                                    WHEN g.issued_principal_id = :who THEN 'principal id'
                                    WHEN g.session_name = :who THEN 'session name'
                                    ELSE 'source identity' END || ')',
       0, NULL, NULL
FROM credential_grants g
WHERE :who IN (g.access_key_id, g.issued_arn, g.role_arn, g.issued_principal_id, g.session_name, g.source_identity)
  AND NOT EXISTS (SELECT 1 FROM principals p WHERE p.access_key_id = g.access_key_id)
  AND g.id = (SELECT min(g2.id) FROM credential_grants g2 WHERE g2.access_key_id = g.access_key_id)
)
ORDER BY principal_row IS NULL, access_key_id IS NULL, access_key_id, arn, type, principal_id;
