-- Small facts about the deployment itself, by key (e.g. the hash of the last synced slash commands).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
