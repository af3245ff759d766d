-- PostgreSQL form of ../0005_privacy.sql (the file is portable as written).
-- Viva schema, version 5: how long a server keeps its members' answer texts (/settings retention_days).
-- Plain column types (BIGINT ids and instants, INTEGER) so the same file reads on PostgreSQL; instants are
-- microseconds since the Unix epoch (UTC). A server without a row keeps answer texts until a member erases them.

-- days: answer texts older than this many days are dropped (the text becomes ''; scores, points and verdicts
-- stay). purged_until: every text of the server's answers, appeals and finished interviews from before this
-- instant has already been dropped, so each purge pass reads only what aged since the last one.
CREATE TABLE retention (
    guild_id     BIGINT  PRIMARY KEY,
    days         INTEGER NOT NULL CHECK (days > 0),
    purged_until BIGINT  NOT NULL DEFAULT 0,
    updated_at   BIGINT  NOT NULL
);

-- Finished quiz rounds and interviews of a server by end time (the purge drops quotes from interview states).
CREATE INDEX ix_sessions_finished ON sessions (guild_id, kind, finished_at) WHERE finished_at IS NOT NULL;
