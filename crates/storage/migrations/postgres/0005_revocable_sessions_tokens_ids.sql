-- Sessions know their account, so that all of an account's sessions can be ended at once
-- (password change, "log out everywhere"); ended sessions and revoked tokens are announced in
-- session_revocations, which every instance reads to drop what it has cached. (Prediction ids
-- come from a sequence here, which never reuses them.)
ALTER TABLE sessions ADD COLUMN user_id BIGINT REFERENCES users(id);
CREATE INDEX sessions_user ON sessions (user_id) WHERE user_id IS NOT NULL;

CREATE TABLE session_revocations (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id       TEXT,
    user_id          BIGINT,
    keep_session_id  TEXT,
    token_id         BIGINT,
    revoked_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX session_revocations_at ON session_revocations (revoked_at);

-- Personal API tokens: only a SHA-256 digest of the token is kept.
CREATE TABLE api_tokens (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id DESC);
