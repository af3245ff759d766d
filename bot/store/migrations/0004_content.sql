-- Viva schema, version 4: questions a server adds with /question add, its accepted phrasings (an overlay on the
-- banks, taught by appeals) and appeals. Plain column types (BIGINT ids and instants, DOUBLE PRECISION, TEXT)
-- so the same file reads on PostgreSQL; instants are microseconds since the Unix epoch (UTC); points are
-- integer thousandths like answers.points.

-- A server's own questions, played under the bank `custom`. key_points is a JSON list of texts.
CREATE TABLE custom_questions (
    guild_id    BIGINT NOT NULL,
    question_id TEXT   NOT NULL,
    prompt      TEXT   NOT NULL,
    answer      TEXT   NOT NULL,
    key_points  TEXT   NOT NULL,
    topic       TEXT   NOT NULL,
    difficulty  TEXT   NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard')),
    created_by  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (guild_id, question_id)
);

-- Per-server accepted phrasings of a key point (point = the key point's text; '' = an extra short answer).
CREATE TABLE accepted_phrasings (
    guild_id    BIGINT NOT NULL,
    bank        TEXT   NOT NULL,
    question_id TEXT   NOT NULL,
    point       TEXT   NOT NULL,
    phrasing    TEXT   NOT NULL,
    appeal_id   BIGINT,
    added_by    BIGINT NOT NULL,
    added_at    BIGINT NOT NULL,
    PRIMARY KEY (guild_id, bank, question_id, point, phrasing)
);

-- One appeal per answer; the answer as graded is kept, and the decision (who, when, why, what was credited).
CREATE TABLE appeals (
    id              INTEGER PRIMARY KEY,
    answer_id       BIGINT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    guild_id        BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    bank            TEXT   NOT NULL,
    question_id     TEXT   NOT NULL,
    reason          TEXT   NOT NULL,
    created_at      BIGINT NOT NULL,
    old_score       DOUBLE PRECISION NOT NULL,
    old_points      BIGINT NOT NULL,
    old_verdict     TEXT   NOT NULL,
    status          TEXT   NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    review_channel  BIGINT,
    review_message  BIGINT,
    decided_by      BIGINT,
    decided_at      BIGINT,
    decision_reason TEXT,
    credited        TEXT,
    new_score       DOUBLE PRECISION,
    new_points      BIGINT,
    phrasing        TEXT
);
CREATE UNIQUE INDEX ux_appeals_answer ON appeals (answer_id);
CREATE INDEX ix_appeals_guild_status ON appeals (guild_id, status, created_at);

-- Where a server's appeals go (a text or forum channel), set in /settings.
CREATE TABLE appeal_channels (
    guild_id   BIGINT PRIMARY KEY,
    channel_id BIGINT NOT NULL
);
