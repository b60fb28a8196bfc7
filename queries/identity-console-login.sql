-- name: identity-console-login
-- title: The console sign-in behind a console session
-- description: The successful ConsoleLogin that started a session: the one that names the session's access key (federated and Identity Center sign-ins do), else the latest sign-in of the user at or before the session's creationDate (5 seconds of clock difference allowed, at most 12 hours before: a console session lasts no longer).
-- kind: internal
-- param: access_key_id text  The session's access key id ('' when unknown)
-- param: user_arn text  The user's (or root's) ARN
-- param: at text  The session's creationDate, UTC ISO 8601 ('' when unknown)
-- columns: cloudtrail_event_id, login_time, user_type, user_arn, user_name, access_key_id, source_ip, user_agent, result, mfa_used, login_to, matched_by
SELECT e.event_id AS cloudtrail_event_id, l.login_time, l.user_type, l.user_arn, l.user_name, l.access_key_id,
       l.source_ip, e.user_agent, l.result, l.mfa_used, l.login_to, l.matched_by
FROM (
    SELECT c.*, 'access key id' AS matched_by, 0 AS preference
    FROM console_logins c
    WHERE :access_key_id <> '' AND c.access_key_id = :access_key_id AND c.result = 'Success'
    UNION ALL
    SELECT c.*, 'user and time', 1
    FROM console_logins c
    WHERE c.user_arn = :user_arn AND c.result = 'Success'
      AND c.login_time <= strftime('%Y-%m-%dT%H:%M:%SZ', :at, '+5 seconds')
      AND c.login_time >= strftime('%Y-%m-%dT%H:%M:%SZ', :at, '-12 hours')
) l
JOIN events e ON e.id = l.event_id
ORDER BY l.preference, l.login_time DESC, e.event_id
LIMIT 1;
