-- name: identity-grant
-- title: The STS call that issued one access key
-- description: The credential grant that issued the key, with its caller. When several stored events name the key (the caller's and the role owner's copies of a cross-account AssumeRole), the one whose caller is best identified comes first: by access key, then by ARN, then the earliest.
-- kind: internal
-- param: access_key_id text  The issued access key id (ASIA…)
-- columns: grant_row, cloudtrail_event_id, kind, issued_at, access_key_id, issued_arn, issued_principal_id, role_arn, session_name, source_identity, expiration, mfa_serial_number, caller_access_key_id, invoked_by, subject, subject_type, provider, issuer, audience, caller_type, caller_arn, caller_account_id, caller_principal_id, caller_user_name, caller_identity_provider, source_ip, user_agent, aws_region, recipient_account_id, grants_for_key
-- The choice reads grants and principals only; the event is read for the chosen grant alone.
-- (Two grants of one key at the same second with equally identified callers do not occur in
-- genuine evidence; between such, the first stored wins.)
WITH best AS (
    SELECT g.*, p.type AS caller_type, p.arn AS caller_arn, p.account_id AS caller_account_id,
           p.principal_id AS caller_aws_principal_id, p.user_name AS caller_user_name,
           p.identity_provider AS caller_identity_provider
    FROM credential_grants g
    LEFT JOIN principals p ON p.id = g.caller_principal_id
    WHERE g.access_key_id = :access_key_id
    ORDER BY g.caller_access_key_id IS NULL, p.arn IS NULL, g.issued_at IS NULL, g.issued_at, g.id
    LIMIT 1
)
SELECT b.id AS grant_row, e.event_id AS cloudtrail_event_id, b.kind, b.issued_at, b.access_key_id, b.issued_arn,
       b.issued_principal_id, b.role_arn, b.session_name, b.source_identity, b.expiration, b.mfa_serial_number,
       b.caller_access_key_id, b.invoked_by, b.subject, b.subject_type, b.provider, b.issuer, b.audience,
       b.caller_type, b.caller_arn, b.caller_account_id, b.caller_aws_principal_id AS caller_principal_id, b.caller_user_name,
       b.caller_identity_provider, e.source_ip, e.user_agent, e.aws_region, e.recipient_account_id,
       (SELECT count(*) FROM credential_grants c WHERE c.access_key_id = :access_key_id) AS grants_for_key
FROM best b
JOIN events e ON e.id = b.event_id;
