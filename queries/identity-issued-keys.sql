-- name: identity-issued-keys
-- title: Credentials one access key obtained
-- description: Every key that STS issued to a caller using this key (roles it assumed, session or federation tokens it got): the forward direction of the credential chain. One row per issued key, with its earliest grant.
-- kind: internal
-- param: access_key_id text  The caller's access key id
-- columns: access_key_id, kind, issued_at, issued_arn, role_arn, session_name, grants
SELECT g.access_key_id, g.kind, min(g.issued_at) AS issued_at, g.issued_arn, g.role_arn, g.session_name,
       count(*) AS grants
FROM credential_grants g
WHERE g.caller_access_key_id = :access_key_id
GROUP BY g.access_key_id
ORDER BY min(g.issued_at), g.access_key_id;
