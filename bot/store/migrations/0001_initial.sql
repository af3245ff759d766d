-- Viva schema, version 1.
-- Instants are INTEGER microseconds since the Unix epoch (UTC); local dates are TEXT 'YYYY-MM-DD';
-- points are INTEGER thousandths of a point so that sums are exact and ties are stable.

CREATE TABLE guild_settings (
    guild_id     INTEGER PRIMARY KEY,
    timezone     TEXT    NOT NULL DEFAULT 'UTC',
    spoilers     INTEGER NOT NULL DEFAULT 0 CHECK (spoilers IN (0, 1)),
    quiz_role_id INTEGER,
    default_bank TEXT
) STRICT;

-- Quiz rounds and interviews; `state` is JSON owned by the domain (bot/sessions).
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('quiz', 'interview')),
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    owner_id    INTEGER NOT NULL,
    state       TEXT    NOT NULL CHECK (json_valid(state)),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    finished_at INTEGER
) STRICT;

-- At most one active quiz per channel and one active interview per member of a guild.
CREATE UNIQUE INDEX ux_sessions_quiz_channel ON sessions (channel_id)
    WHERE kind = 'quiz' AND active = 1;
CREATE UNIQUE INDEX ux_sessions_interview_owner ON sessions (guild_id, owner_id)
    WHERE kind = 'interview' AND active = 1;
CREATE INDEX ix_sessions_active_channel ON sessions (channel_id) WHERE active = 1;
CREATE INDEX ix_sessions_active_owner ON sessions (guild_id, owner_id) WHERE active = 1;

-- One row per question shown: a quiz round question, an interview question or a daily question.
CREATE TABLE posts (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    message_id  INTEGER,
    kind        TEXT    NOT NULL CHECK (kind IN ('quiz', 'interview', 'daily')),
    bank        TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    topic       TEXT    NOT NULL,
    difficulty  TEXT    NOT NULL,
    posted_at   INTEGER NOT NULL,
    closes_at   INTEGER,
    closed_at   INTEGER,
    session_id  INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    daily_date  TEXT CHECK (daily_date IS NULL OR daily_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    CHECK ((kind = 'daily') = (daily_date IS NOT NULL))
) STRICT;

CREATE INDEX ix_posts_open ON posts (posted_at) WHERE closed_at IS NULL;
CREATE INDEX ix_posts_guild_kind ON posts (guild_id, kind, posted_at);
CREATE INDEX ix_posts_session ON posts (session_id) WHERE session_id IS NOT NULL;
-- Belt and braces for "never post the daily question twice": one daily post per guild and local date.
CREATE UNIQUE INDEX ux_posts_daily ON posts (guild_id, daily_date) WHERE kind = 'daily';

-- One row per answer. guild_id, bank, topic, kind and daily_date are copied from the post so that the
-- leaderboards are covering-index aggregates over this table alone.
CREATE TABLE answers (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    response    TEXT    NOT NULL,
    score       REAL    NOT NULL CHECK (score >= 0.0 AND score <= 1.0),
    verdict     TEXT    NOT NULL,
    passed      INTEGER NOT NULL CHECK (passed IN (0, 1)),
    points      INTEGER NOT NULL,
    hits        TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(hits)),
    misses      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(misses)),
    answered_at INTEGER NOT NULL,
    bank        TEXT    NOT NULL,
    topic       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    daily_date  TEXT
) STRICT;

-- At most one answer per member per post.
CREATE UNIQUE INDEX ux_answers_post_user ON answers (post_id, user_id);
-- Leaderboards: guild + period range, covering the aggregated columns; one per optional filter.
CREATE INDEX ix_answers_board ON answers (guild_id, answered_at, user_id, points, passed);
CREATE INDEX ix_answers_board_bank ON answers (guild_id, bank, answered_at, user_id, points, passed);
CREATE INDEX ix_answers_board_topic ON answers (guild_id, topic, answered_at, bank, user_id, points, passed);
-- Personal stats and streaks.
CREATE INDEX ix_answers_member ON answers (guild_id, user_id, answered_at, topic, passed, points);
CREATE INDEX ix_answers_member_daily ON answers (guild_id, user_id, daily_date) WHERE daily_date IS NOT NULL;

-- Daily question schedule, at most one per guild.
CREATE TABLE schedules (
    guild_id       INTEGER PRIMARY KEY,
    channel_id     INTEGER NOT NULL,
    local_time     TEXT    NOT NULL CHECK (local_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    timezone       TEXT    NOT NULL,
    bank           TEXT,
    topic          TEXT,
    reveal_hours   INTEGER CHECK (reveal_hours IS NULL OR reveal_hours >= 0),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    last_posted_on TEXT
) STRICT;
