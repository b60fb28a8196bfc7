-- name: identity-console-logins
-- title: Console sign-ins
-- description: Every ConsoleLogin event (signin.amazonaws.com), successful or not: who, when, from which IP, with or without MFA. Imports store these rows in console_logins; this query reads them straight from the records (event_record).
-- kind: internal
-- param: after integer  Only events with a larger events.id (0 for all)
-- columns: event_id, login_time, user_type, user_arn, account_id, user_name, principal_id, access_key_id, source_ip, result, error_message, mfa_used, login_to
-- The IN term on event_source repeats the WHERE of the partial index events_by_identity_call.
WITH records AS MATERIALIZED (
    SELECT e.id, e.event_time, e.principal_id, e.source_ip, e.error_message, e.recipient_account_id,
           event_record(e.id) AS raw
    FROM events e
    WHERE e.event_source IN ('sts.amazonaws.com', 'signin.amazonaws.com')
      AND e.event_source = 'signin.amazonaws.com'
      AND e.event_name = 'ConsoleLogin'
      AND e.id > :after
),
logins AS MATERIALIZED (
    SELECT e.id, e.event_time, e.principal_id, e.source_ip, e.error_message, e.recipient_account_id,
           e.raw -> '$.userIdentity' AS who,
           e.raw -> '$.responseElements' AS response,
           e.raw -> '$.additionalEventData' AS extra
    FROM records e
    WHERE json_valid(e.raw)
)
SELECT l.id AS event_id,
       l.event_time AS login_time,
       l.who ->> '$.type' AS user_type,
       nullif(l.who ->> '$.arn', '') AS user_arn,
       coalesce(l.who ->> '$.accountId', l.recipient_account_id) AS account_id,
       l.who ->> '$.userName' AS user_name,
       l.principal_id,
       nullif(l.who ->> '$.accessKeyId', '') AS access_key_id,
       l.source_ip,
       l.response ->> '$.ConsoleLogin' AS result,
       l.error_message,
       l.extra ->> '$.MFAUsed' AS mfa_used,
       l.extra ->> '$.LoginTo' AS login_to
FROM logins l
ORDER BY l.id;
