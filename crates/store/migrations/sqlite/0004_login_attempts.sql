-- Refused sign-ins are counted per username over a recent window to slow password guessing.
CREATE INDEX audit_log_login ON audit_log(action, username, at);
