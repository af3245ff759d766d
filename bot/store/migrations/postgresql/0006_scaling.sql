-- PostgreSQL form of ../0006_scaling.sql (BIGINT instants).
-- Viva schema, version 6: the daily scheduler reads only what is due, so a pass costs what is due and not one
-- row per server with a schedule.

-- next_due_at: microseconds since the epoch (UTC) at which the scheduler must next look at this schedule; 0 means
-- "look now" (a new or changed schedule). The scheduler sets it after each look (bot/store/scaling.py).
ALTER TABLE schedules ADD COLUMN next_due_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX ix_schedules_next_due ON schedules (next_due_at) WHERE active = 1;

-- Open posts by the time they close (reveals that are due) and by guild (the posts a new daily question closes).
CREATE INDEX ix_posts_open_closes ON posts (kind, closes_at) WHERE closed_at IS NULL;
CREATE INDEX ix_posts_open_guild ON posts (guild_id, kind, posted_at) WHERE closed_at IS NULL;
