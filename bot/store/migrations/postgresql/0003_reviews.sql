-- PostgreSQL form of ../0003_reviews.sql (the file is portable as written).
-- Viva schema, version 3: spaced-repetition review cards and opt-in review reminders.
-- Plain column types (BIGINT ids and instants, DOUBLE PRECISION, TEXT) so the same file reads on PostgreSQL;
-- instants are microseconds since the Unix epoch (UTC), local dates TEXT 'YYYY-MM-DD'.

-- One FSRS card per member and question (a member's cards follow them across servers and DMs).
CREATE TABLE review_cards (
    user_id        BIGINT           NOT NULL,
    bank           TEXT             NOT NULL,
    question_id    TEXT             NOT NULL,
    topic          TEXT             NOT NULL,
    state          INTEGER          NOT NULL CHECK (state IN (1, 2, 3)),
    step           INTEGER,
    stability      DOUBLE PRECISION,
    difficulty     DOUBLE PRECISION,
    due_at         BIGINT           NOT NULL,
    last_review_at BIGINT,
    reviews        INTEGER          NOT NULL DEFAULT 0,
    passes         INTEGER          NOT NULL DEFAULT 0,
    lapses         INTEGER          NOT NULL DEFAULT 0,
    last_score     DOUBLE PRECISION,
    last_rating    INTEGER,
    -- answers.id of the graded answer that last set the card (NULL after a /review answer), and the card as it
    -- was before that answer (JSON, NULL for a first answer), so an accepted appeal can rate that answer again.
    last_answer_id BIGINT,
    previous       TEXT,
    PRIMARY KEY (user_id, bank, question_id)
);
CREATE INDEX ix_review_cards_due ON review_cards (user_id, due_at);
CREATE INDEX ix_review_cards_answer ON review_cards (last_answer_id);

-- Opt-in daily DM when cards are due, at a local time in an IANA zone; last_sent_on is the local date handled.
CREATE TABLE review_reminders (
    user_id      BIGINT  PRIMARY KEY,
    enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    local_time   TEXT    NOT NULL,
    timezone     TEXT    NOT NULL,
    last_sent_on TEXT,
    updated_at   BIGINT  NOT NULL
);

-- A member's answers across servers, newest first (/review missed finds their last round).
CREATE INDEX ix_answers_user_time ON answers (user_id, answered_at);
