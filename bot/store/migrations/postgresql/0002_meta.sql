-- Small facts about the deployment itself, by key (as ../0002_meta.sql).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
