-- ddbtrail case database, migration 003: identity resolution. Credentials issued by STS calls and
-- console sign-ins, derived from the stored CloudTrail records after every import, so that a
-- temporary key (ASIA…) can be followed back to whoever or whatever obtained it.
--
-- Every row is derived from one events row (event_id) and can be rebuilt from events.raw; the
-- derivation is incremental (identity_derivation remembers how far it got) and stores each event
-- at most once (event_id is UNIQUE), so re-importing adds nothing and import order does not matter.

-- One row per STS call that issued credentials: AssumeRole, AssumeRoleWithSAML,
-- AssumeRoleWithWebIdentity, GetFederationToken, GetSessionToken, AssumeRoot. Calls that failed
-- or whose response does not name an access key are not stored.
CREATE TABLE credential_grants (
    id                   INTEGER PRIMARY KEY,
    event_id             INTEGER NOT NULL UNIQUE REFERENCES events(id), -- the STS call that issued the credentials
    kind                 TEXT NOT NULL,  -- eventName: AssumeRole | AssumeRoleWithSAML | AssumeRoleWithWebIdentity | GetFederationToken | GetSessionToken | AssumeRoot
    issued_at            TEXT,           -- events.event_time (UTC); NULL when the record had no readable eventTime
    access_key_id        TEXT NOT NULL,  -- responseElements.credentials.accessKeyId: the key these credentials carry (ASIA…)
    issued_arn           TEXT,           -- identity the credentials act as: assumedRoleUser.arn, federatedUser.arn, the caller's ARN (GetSessionToken), the target's root (AssumeRoot)
    issued_principal_id  TEXT,           -- assumedRoleUser.assumedRoleId (AROA…:session) or federatedUser.federatedUserId
    role_arn             TEXT,           -- requestParameters.roleArn (AssumeRole*)
    session_name         TEXT,           -- requestParameters.roleSessionName, or requestParameters.name (GetFederationToken)
    source_identity      TEXT,           -- responseElements.sourceIdentity, else requestParameters.sourceIdentity
    expiration           TEXT,           -- responseElements.credentials.expiration as UTC 'YYYY-MM-DDTHH:MM:SSZ' when it parses ("Nov 3, 2026, 1:02:11 PM" is UTC); otherwise the text as logged
    mfa_serial_number    TEXT,           -- requestParameters.serialNumber: the MFA device the caller presented
    caller_principal_id  INTEGER REFERENCES principals(id), -- events.principal_id: who called STS
    caller_access_key_id TEXT,           -- userIdentity.accessKeyId of the call ('' stored as NULL): follow it to the caller's own grant
    invoked_by           TEXT,           -- service that asked: userIdentity.invokedBy, or sourceIPAddress of an AWSService caller (ec2.amazonaws.com, lambda.amazonaws.com)
    subject              TEXT,           -- SAML responseElements.subject (NameID) or web identity subjectFromWebIdentityToken
    subject_type         TEXT,           -- SAML responseElements.subjectType (persistent, transient, …)
    provider             TEXT,           -- SAML requestParameters.principalArn (the saml-provider ARN) or web identity responseElements.provider
    issuer               TEXT,           -- SAML responseElements.issuer (the IdP's entity id)
    audience             TEXT            -- responseElements.audience (SAML recipient or web identity client id)
);
CREATE INDEX credential_grants_by_access_key ON credential_grants(access_key_id);
-- Forward direction: the credentials a key obtained (for "what did this key do, also through roles it assumed").
CREATE INDEX credential_grants_by_caller_key ON credential_grants(caller_access_key_id);

-- One row per console sign-in attempt (signin.amazonaws.com ConsoleLogin), successful or not.
CREATE TABLE console_logins (
    id             INTEGER PRIMARY KEY,
    event_id       INTEGER NOT NULL UNIQUE REFERENCES events(id),
    login_time     TEXT,     -- events.event_time (UTC)
    user_type      TEXT,     -- userIdentity.type: IAMUser, Root, AssumedRole (federated / Identity Center sign-in), …
    user_arn       TEXT,     -- userIdentity.arn; NULL when the sign-in failed on an unknown user name
    account_id     TEXT,     -- userIdentity.accountId, else recipientAccountId
    user_name      TEXT,     -- userIdentity.userName ('HIDDEN_DUE_TO_SECURITY_REASONS' on some failures)
    principal_id   INTEGER REFERENCES principals(id), -- events.principal_id
    access_key_id  TEXT,     -- userIdentity.accessKeyId: federated and Identity Center sign-ins name the session's key
    source_ip      TEXT,     -- events.source_ip
    result         TEXT,     -- responseElements.ConsoleLogin: Success | Failure
    error_message  TEXT,     -- events.error_message (e.g. 'Failed authentication')
    mfa_used       TEXT,     -- additionalEventData.MFAUsed: Yes | No
    login_to       TEXT      -- additionalEventData.LoginTo: the console URL signed in to
);
CREATE INDEX console_logins_by_user ON console_logins(user_arn, login_time);
CREATE INDEX console_logins_by_access_key ON console_logins(access_key_id);

-- How far the derivation has got: every event with a larger id is examined by the next import.
CREATE TABLE identity_derivation (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_event_id INTEGER NOT NULL  -- events.id up to which credential_grants and console_logins are derived
);
INSERT INTO identity_derivation (id, last_event_id) VALUES (1, 0);

-- STS and sign-in events only (a few per cent of a case), so that each import's derivation reads
-- just the new ones instead of every new event. Partial: other events pay nothing to keep it.
-- The derivation queries repeat this WHERE term word for word, which lets SQLite use the index.
CREATE INDEX events_by_identity_call ON events(event_name)
    WHERE event_source IN ('sts.amazonaws.com', 'signin.amazonaws.com');
