package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are applied in order; the database's PRAGMA user_version is the
// number applied so far. Never edit one that has shipped: add another.
var migrations = []string{
	// 1: sources and their entries.
	`CREATE TABLE sources (
		id            INTEGER PRIMARY KEY,
		url           TEXT NOT NULL UNIQUE,   -- as configured: the source's identity
		location      TEXT NOT NULL DEFAULT '',
		name          TEXT NOT NULL DEFAULT '', -- configured name, overrides title
		title         TEXT NOT NULL DEFAULT '', -- the feed's own title
		site_url      TEXT NOT NULL DEFAULT '',
		active        INTEGER NOT NULL DEFAULT 1,
		etag          TEXT NOT NULL DEFAULT '',
		last_modified TEXT NOT NULL DEFAULT '',
		body_hash     TEXT NOT NULL DEFAULT '',
		last_poll     INTEGER,                -- unix seconds
		last_success  INTEGER,
		last_error    TEXT NOT NULL DEFAULT '',
		failures      INTEGER NOT NULL DEFAULT 0,
		next_poll     INTEGER NOT NULL DEFAULT 0
	);
	CREATE TABLE entries (
		id           INTEGER PRIMARY KEY,
		public_id    TEXT NOT NULL,           -- name-based UUID of (source url, key): unique by construction
		source_id    INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
		key          TEXT NOT NULL,
		url          TEXT NOT NULL,
		title        TEXT NOT NULL,
		author       TEXT NOT NULL,
		content_html TEXT NOT NULL,
		content_text TEXT NOT NULL,
		published    INTEGER,                 -- NULL: use first_seen
		updated      INTEGER,
		first_seen   INTEGER NOT NULL,
		modified_at  INTEGER NOT NULL,        -- last poll that wrote the row
		hash         TEXT NOT NULL,
		UNIQUE (source_id, key)
	);
	CREATE INDEX entries_order ON entries (coalesce(published, first_seen) DESC, first_seen DESC, id DESC);`,

	// 2: future-date policy, identity fallback, tombstones, duplicates.
	`ALTER TABLE sources ADD COLUMN future_dates TEXT NOT NULL DEFAULT 'clamp';
	ALTER TABLE sources ADD COLUMN url_identity INTEGER NOT NULL DEFAULT 0; -- GUIDs unusable: keys are URLs
	CREATE TABLE tombstones (
		source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
		key       TEXT NOT NULL,
		pruned_at INTEGER NOT NULL,
		PRIMARY KEY (source_id, key)
	) WITHOUT ROWID;
	ALTER TABLE entries ADD COLUMN duplicate_of INTEGER REFERENCES entries(id) ON DELETE SET NULL;
	ALTER TABLE entries ADD COLUMN fingerprint BLOB;
	CREATE INDEX entries_duplicate_of ON entries (duplicate_of) WHERE duplicate_of IS NOT NULL;`,

	// 3: categories.
	`ALTER TABLE entries ADD COLUMN feed_categories TEXT NOT NULL DEFAULT '[]'; -- JSON array
	CREATE TABLE entry_categories (
		entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
		slug     TEXT NOT NULL,
		label    TEXT NOT NULL,
		PRIMARY KEY (entry_id, slug)
	) WITHOUT ROWID;
	CREATE INDEX entry_categories_slug ON entry_categories (slug, entry_id);
	CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`,

	// 4: the name a source is shown under when it has neither a configured
	// name nor a feed title: its host, never its URL or path (see
	// FallbackName); what the last successful poll noticed.
	`ALTER TABLE sources ADD COLUMN fallback_name TEXT NOT NULL DEFAULT '';
	ALTER TABLE sources ADD COLUMN notices TEXT NOT NULL DEFAULT ''; -- one per line`,

	// 5: the duplicate index, on disk: each entry's sketch keys (see
	// dedup.Keys), and its URL, are where candidate duplicates are found.
	// Entries saved before have no keys: the poller adds those of the
	// last dedup window once (meta dedup_keys).
	`CREATE TABLE dedup_keys (
		key      INTEGER NOT NULL,
		entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
		PRIMARY KEY (key, entry_id)
	) WITHOUT ROWID;
	CREATE INDEX dedup_keys_entry ON dedup_keys (entry_id);
	CREATE INDEX entries_url ON entries (url) WHERE url <> '';`,

	// 6: related entries, computed once per entry and kept (see
	// StoredHints): an entry's hints best first, and the newest entry id
	// when they were computed (NULL: never, or to be computed again).
	`CREATE TABLE related_hints (
		entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
		rank     INTEGER NOT NULL,
		hint_id  INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
		score    REAL NOT NULL,
		PRIMARY KEY (entry_id, rank)
	) WITHOUT ROWID;
	CREATE INDEX related_hints_hint ON related_hints (hint_id);
	ALTER TABLE entries ADD COLUMN hints_at INTEGER;`,

	// 7: what happened to sources, for /sources.atom: a source starting to
	// fail, recovering, or gone (410). Triggers write the events whatever
	// statement changed the source; the newest 1,000 are kept.
	`CREATE TABLE source_events (
		id        INTEGER PRIMARY KEY,
		source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
		at        INTEGER NOT NULL,
		kind      TEXT NOT NULL, -- failing, recovered, gone
		detail    TEXT NOT NULL
	);
	CREATE INDEX source_events_source ON source_events (source_id);
	CREATE TRIGGER source_failing AFTER UPDATE OF failures ON sources
	WHEN OLD.failures = 0 AND NEW.failures > 0 AND NEW.last_error NOT LIKE '%HTTP 410 Gone%'
	BEGIN INSERT INTO source_events (source_id, at, kind, detail) VALUES (NEW.id, NEW.last_poll, 'failing', NEW.last_error); END;
	CREATE TRIGGER source_gone AFTER UPDATE OF last_error ON sources
	WHEN NEW.last_error LIKE '%HTTP 410 Gone%' AND OLD.last_error NOT LIKE '%HTTP 410 Gone%'
	BEGIN INSERT INTO source_events (source_id, at, kind, detail) VALUES (NEW.id, NEW.last_poll, 'gone', NEW.last_error); END;
	CREATE TRIGGER source_recovered AFTER UPDATE OF failures ON sources
	WHEN OLD.failures > 0 AND NEW.failures = 0
	BEGIN INSERT INTO source_events (source_id, at, kind, detail) VALUES (NEW.id, NEW.last_poll, 'recovered', OLD.last_error); END;
	CREATE TRIGGER source_events_bound AFTER INSERT ON source_events
	BEGIN DELETE FROM source_events WHERE id <= NEW.id - 1000; END;`,

	// 8: each entry's link as the feed gave it (tracking parameters
	// removed), which is what the feeds publish; url stays the canonical
	// form, for comparing. '' (entries stored before): publish url.
	`ALTER TABLE entries ADD COLUMN link TEXT NOT NULL DEFAULT '';`,

	// 9: a source's identity, when it is not its URL (it was carried over
	// from the source it replaced: see SyncSources), and where its feed
	// has moved for good (the target of a 301 or 308).
	`ALTER TABLE sources ADD COLUMN identity TEXT NOT NULL DEFAULT '';
	ALTER TABLE sources ADD COLUMN moved_to TEXT NOT NULL DEFAULT '';`,

	// 10: duplicate keys without a foreign key. Its check looked the entry
	// up again for each of its keys written, a twentieth of the CPU of a
	// cold ingest; flushKeys now looks up each entry once, and a trigger
	// deletes an entry's keys with it, as the cascade did (and also when
	// the connection deleting it has foreign keys off). Removing a foreign
	// key changes nothing on disk, so the table's definition is edited in
	// place, as SQLite's documentation describes ("Making Other Kinds Of
	// Table Schema Changes"; migrateTo then bumps the schema version):
	// copying the keys took 5 s on a database of 150,000 entries, before
	// the daemon could serve.
	`PRAGMA writable_schema = ON;
	UPDATE sqlite_schema SET sql = replace(sql, ' REFERENCES entries(id) ON DELETE CASCADE', '')
		WHERE type = 'table' AND name = 'dedup_keys';
	PRAGMA writable_schema = OFF;
	CREATE TRIGGER entries_dedup_keys AFTER DELETE ON entries
	BEGIN DELETE FROM dedup_keys WHERE entry_id = OLD.id; END;`,
}

// SchemaVersion is the schema version this code migrates databases to.
func SchemaVersion() int { return len(migrations) }

// migrate brings the schema up to date in one transaction.
func migrate(ctx context.Context, db *sql.DB) error {
	return migrateTo(ctx, db, len(migrations))
}

// migrateTo brings the schema to version target (at most
// len(migrations)) in one transaction.
func migrateTo(ctx context.Context, db *sql.DB, target int) error {
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("database schema version %d is newer than this tributary (%d)", version, len(migrations))
	}
	if version >= target {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for i := version; i < target; i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	// A migration that edits sqlite_schema itself (10) must bump the
	// schema version, so that every connection reads the schema again;
	// bumping it after any other is harmless.
	var schemaVersion int
	if err := tx.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&schemaVersion); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA schema_version = %d", schemaVersion+1)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", target)); err != nil {
		return err
	}
	return tx.Commit()
}
