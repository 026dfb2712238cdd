-- Notes API: schema (the product's own tables replace this placeholder).
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
