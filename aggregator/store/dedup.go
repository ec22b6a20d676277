package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tributary/tributary/aggregator/dedup"
)

// DupQuery asks for the candidate duplicates of a new entry.
type DupQuery struct {
	SourceID int64
	URL      string   // the entry's canonical URL, or ""
	Keys     []uint32 // its sketch's keys
	Since    time.Time
}

// DupCandidates returns the entries of other sources first seen since
// q.Since that have q.URL, or at least dedup.MinSharedKeys of q.Keys
// (looking at the newest dedup.PerKey entries of each key), with their sketches and, for copies, their
// original's source and first-seen time. It is the duplicate index: it
// lives on disk, so memory does not grow with the archive.
func (s *Store) DupCandidates(ctx context.Context, q DupQuery) ([]dedup.Candidate, error) {
	if q.URL == "" && len(q.Keys) == 0 {
		return nil, nil
	}
	// One statement for every query, so that it is compiled once: absent
	// keys are NULL, which matches nothing.
	args := []any{q.URL}
	for i := range dedup.KeyCount {
		if i < len(q.Keys) {
			args = append(args, int64(q.Keys[i]))
		} else {
			args = append(args, nil)
		}
	}
	// An entry sharing one key of several is nearly always a coincidence
	// of common phrases; a copy shares most of them.
	args = append(args, dedup.PerKey, min(dedup.MinSharedKeys, len(q.Keys)), q.Since.Unix(), q.SourceID)
	stmt, err := s.dupStmt(ctx)
	if err != nil {
		return nil, fmt.Errorf("duplicate candidates: %w", err)
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("duplicate candidates: %w", err)
	}
	defer rows.Close()
	var out []dedup.Candidate
	for rows.Next() {
		var c dedup.Candidate
		var firstSeen, origFirstSeen int64
		var sketch []byte
		if err := rows.Scan(&c.ID, &c.Source, &firstSeen, &sketch, &c.ByURL, &c.Original, &c.OriginalSource, &origFirstSeen); err != nil {
			return nil, fmt.Errorf("duplicate candidates: %w", err)
		}
		c.FirstSeen = fromUnix(firstSeen)
		if origFirstSeen != 0 {
			c.OriginalFirstSeen = fromUnix(origFirstSeen)
		}
		if len(sketch) > 0 {
			if err := c.Sketch.UnmarshalBinary(sketch); err != nil {
				return nil, fmt.Errorf("entry %d: %w", c.ID, err)
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// dupCandidatesSQL finds the candidates of DupCandidates: ?1 the URL (""
// for none; the partial index needs its condition stated), ?2 to ?9 the
// keys, ?10 the entries read per key, ?11 the keys to share, ?12 the
// first-seen time since which, ?13 the new entry's source.
const dupCandidatesSQL = `
	WITH c(id, by_url) AS (
		SELECT id, 1 FROM entries WHERE url = ?1 AND url <> ''
		UNION ALL SELECT entry_id, 0 FROM (SELECT entry_id FROM dedup_keys WHERE key = ?2 ORDER BY entry_id DESC LIMIT ?10)
		UNION ALL SELECT entry_id, 0 FROM (SELECT entry_id FROM dedup_keys WHERE key = ?3 ORDER BY entry_id DESC LIMIT ?10)
		UNION ALL SELECT entry_id, 0 FROM (SELECT entry_id FROM dedup_keys WHERE key = ?4 ORDER BY entry_id DESC LIMIT ?10)
		UNION ALL SELECT entry_id, 0 FROM (SELECT entry_id FROM dedup_keys WHERE key = ?5 ORDER BY entry_id DESC LIMIT ?10)
		UNION ALL SELECT entry_id, 0 FROM (SELECT entry_id FROM dedup_keys WHERE key = ?6 ORDER BY entry_id DESC LIMIT ?10)
		UNION ALL SELECT entry_id, 0 FROM (SELECT entry_id FROM dedup_keys WHERE key = ?7 ORDER BY entry_id DESC LIMIT ?10)
		UNION ALL SELECT entry_id, 0 FROM (SELECT entry_id FROM dedup_keys WHERE key = ?8 ORDER BY entry_id DESC LIMIT ?10)
		UNION ALL SELECT entry_id, 0 FROM (SELECT entry_id FROM dedup_keys WHERE key = ?9 ORDER BY entry_id DESC LIMIT ?10)),
	g(id, by_url) AS (SELECT id, max(by_url) FROM c GROUP BY id HAVING max(by_url) = 1 OR count(*) >= ?11)
	SELECT e.id, e.source_id, e.first_seen, e.fingerprint, g.by_url,
		coalesce(e.duplicate_of, 0), coalesce(o.source_id, 0), coalesce(o.first_seen, 0)
	FROM g JOIN entries e ON e.id = g.id LEFT JOIN entries o ON o.id = e.duplicate_of
	WHERE e.first_seen >= ?12 AND e.source_id <> ?13`

// dupStmt returns the prepared statement of dupCandidatesSQL.
func (s *Store) dupStmt(ctx context.Context) (*sql.Stmt, error) {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if s.dupCandidates == nil {
		stmt, err := s.reader.PrepareContext(ctx, dupCandidatesSQL)
		if err != nil {
			return nil, err
		}
		s.dupCandidates = stmt
	}
	return s.dupCandidates, nil
}

// keyWriter writes entries' duplicate keys within a transaction, with its
// statements prepared once.
type keyWriter struct {
	del, ins *sql.Stmt
}

func newKeyWriter(ctx context.Context, tx *sql.Tx) (*keyWriter, error) {
	del, err := tx.PrepareContext(ctx, `DELETE FROM dedup_keys WHERE entry_id = ?`)
	if err != nil {
		return nil, err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO dedup_keys (key, entry_id) VALUES (?, ?)`)
	if err != nil {
		del.Close()
		return nil, err
	}
	return &keyWriter{del: del, ins: ins}, nil
}

// set gives the entry with row id its keys; replace drops the ones it had.
func (w *keyWriter) set(ctx context.Context, rowID int64, keys []uint32, replace bool) error {
	if replace {
		if _, err := w.del.ExecContext(ctx, rowID); err != nil {
			return err
		}
	}
	for _, k := range keys {
		if _, err := w.ins.ExecContext(ctx, int64(k), rowID); err != nil {
			return err
		}
	}
	return nil
}

func (w *keyWriter) Close() {
	w.del.Close()
	w.ins.Close()
}

// AddDedupKeys gives stored entries their keys (for a database written
// before they were kept), in one transaction.
func (s *Store) AddDedupKeys(ctx context.Context, keys map[int64][]uint32) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add duplicate keys: %w", err)
	}
	defer tx.Rollback()
	w, err := newKeyWriter(ctx, tx)
	if err != nil {
		return fmt.Errorf("add duplicate keys: %w", err)
	}
	defer w.Close()
	for id, ks := range keys {
		if err := w.set(ctx, id, ks, true); err != nil {
			return fmt.Errorf("add duplicate keys: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add duplicate keys: %w", err)
	}
	return nil
}

// EachDedupKeySince calls key with the duplicate keys, and url with the
// URLs, of the entries first seen at or after since (for dedup.Filter).
func (s *Store) EachDedupKeySince(ctx context.Context, since time.Time, key func(uint32), url func(string)) error {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT k.key FROM dedup_keys k JOIN entries e ON e.id = k.entry_id WHERE e.first_seen >= ?`, since.Unix())
	if err != nil {
		return fmt.Errorf("duplicate keys: %w", err)
	}
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return fmt.Errorf("duplicate keys: %w", err)
		}
		key(uint32(k))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("duplicate keys: %w", err)
	}
	rows, err = s.reader.QueryContext(ctx, `SELECT url FROM entries WHERE first_seen >= ? AND url <> ''`, since.Unix())
	if err != nil {
		return fmt.Errorf("entry URLs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return fmt.Errorf("entry URLs: %w", err)
		}
		url(u)
	}
	return rows.Err()
}
