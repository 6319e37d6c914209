-- Accounts, sessions and the audit log.

CREATE TABLE accounts (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    role                TEXT NOT NULL,
    county_code         TEXT REFERENCES regions(code),
    scope_region_code   TEXT REFERENCES regions(code),
    scope_department_id INTEGER REFERENCES departments(id),
    scope_unit_id       INTEGER,
    person_id           INTEGER REFERENCES people(id),
    disabled            INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL
);
CREATE INDEX accounts_person ON accounts(person_id);

-- Only a hash of the token is kept, so a copy of the database signs nobody in.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    kind         TEXT NOT NULL,                  -- web | api
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    ip           TEXT,
    user_agent   TEXT
);
CREATE INDEX sessions_account ON sessions(account_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- Append-only and hash-chained per chain (a county, or 'system').
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    chain       TEXT NOT NULL,
    at          TEXT NOT NULL,
    account_id  INTEGER,
    username    TEXT,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT,
    detail      TEXT,
    ip          TEXT,
    outcome     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_chain ON audit_log(chain, id);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);

CREATE TABLE audit_heads (
    chain     TEXT PRIMARY KEY,
    last_hash TEXT NOT NULL
);
