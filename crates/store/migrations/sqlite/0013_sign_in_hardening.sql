-- Sessions end after an idle time as well as at their absolute end: the last time each was
-- used is kept (written at most once a minute per session).
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
UPDATE sessions SET last_seen_at = created_at;

-- Refused sign-ins are also counted per client address, whatever the names tried.
CREATE INDEX audit_log_login_ip ON audit_log(action, ip, at);

-- A second factor (TOTP, RFC 6238): the secret while enrolling and once on, when it was turned
-- on, and the last time step used, so one code signs in once.
ALTER TABLE accounts ADD COLUMN totp_secret TEXT;
ALTER TABLE accounts ADD COLUMN totp_enabled_at TEXT;
ALTER TABLE accounts ADD COLUMN totp_last_step INTEGER;

-- The audit log is read newest first by account and by action over a span of days.
CREATE INDEX audit_log_username_at ON audit_log(username, at);
CREATE INDEX audit_log_action_at ON audit_log(action, at);
CREATE INDEX audit_log_at ON audit_log(at);
