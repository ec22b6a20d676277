package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tributary/tributary/aggregator/dedup"
)

// DupQuery asks for the candidate duplicates of a new entry.
type DupQuery struct {
	SourceID int64
	URL      string   // the entry's canonical URL, or ""
	Keys     []uint32 // its sketch's keys (see dedup.Keys)
	Crowded  []uint32 // its crowded keys, read for their newest entries only
	// Shared is how many keys a candidate must share with the entry;
	// 0: dedup.MinSharedKeys, or all of them when it has fewer. A caller
	// that leaves out keys no stored entry has (see dedup.Filter) states
	// it, since leaving them out does not make the entry any shorter.
	Shared int
	Since  time.Time
}

// DupCandidates returns the entries of other sources first seen since
// q.Since that have q.URL, or at least q.Shared of q.Keys and q.Crowded
// (looking at the newest dedup.PerKey entries of each key, and
// the newest dedup.CrowdedPerKey of each crowded one), with their sketches
// and, for copies, their original's source and first-seen time. It is the duplicate index: it
// lives on disk, so memory does not grow with the archive. Keys that wait
// to be written (see keys.go) are read from memory, as many again.
func (s *Store) DupCandidates(ctx context.Context, q DupQuery) ([]dedup.Candidate, error) {
	if q.URL == "" && len(q.Keys)+len(q.Crowded) == 0 {
		return nil, nil
	}
	// One statement for every query, so that it is compiled once: absent
	// keys are NULL, which matches nothing.
	args := []any{q.URL}
	for _, keys := range [][]uint32{q.Keys, q.Crowded} {
		for i := range dedup.KeyCount {
			if i < len(keys) {
				args = append(args, int64(keys[i]))
			} else {
				args = append(args, nil)
			}
		}
	}
	// An entry sharing one key of several is nearly always a coincidence
	// of common phrases; a copy shares most of them.
	shared := q.Shared
	if shared == 0 {
		shared = min(dedup.MinSharedKeys, len(q.Keys)+len(q.Crowded))
	}
	// Keys that wait in memory to be written are looked up there; their
	// entries are newer than any on disk.
	var waiting []int64
	for _, k := range q.Keys {
		waiting = s.pending.appendIDs(waiting, k, dedup.PerKey)
	}
	for _, k := range q.Crowded {
		waiting = s.pending.appendIDs(waiting, k, dedup.CrowdedPerKey)
	}
	args = append(args, dedup.PerKey, dedup.CrowdedPerKey, shared, q.Since.Unix(), q.SourceID, jsonInts(waiting))
	stmt, err := s.stmt(ctx, s.reader, dupCandidatesSQL)
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

// dupCandidatesSQL finds the candidates of DupCandidates. Its arguments,
// in order: the URL ("" for none; the partial index needs its condition
// stated), the dedup.KeyCount keys, the dedup.KeyCount crowded keys, the
// entries read per key and per crowded key, the keys to share, the
// first-seen time since which, the new entry's source, and a JSON array of
// the entries found through the keys that wait in memory, once per key.
var dupCandidatesSQL = func() string {
	const keys = 2 * dedup.KeyCount
	perKey, perCrowded, shared, since, source, waiting := keys+2, keys+3, keys+4, keys+5, keys+6, keys+7
	var b strings.Builder
	b.WriteString("WITH c(id, by_url) AS (\n\tSELECT id, 1 FROM entries WHERE url = ?1 AND url <> ''")
	for i := range keys {
		limit := perKey
		if i >= dedup.KeyCount {
			limit = perCrowded
		}
		fmt.Fprintf(&b, "\n\tUNION ALL SELECT entry_id, 0 FROM (SELECT entry_id FROM dedup_keys WHERE key = ?%d ORDER BY entry_id DESC LIMIT ?%d)", i+2, limit)
	}
	fmt.Fprintf(&b, "\n\tUNION ALL SELECT value, 0 FROM json_each(?%d)", waiting)
	fmt.Fprintf(&b, `),
	g(id, by_url) AS (SELECT id, max(by_url) FROM c GROUP BY id HAVING max(by_url) = 1 OR count(*) >= ?%d)
	SELECT e.id, e.source_id, e.first_seen, e.fingerprint, g.by_url,
		coalesce(e.duplicate_of, 0), coalesce(o.source_id, 0), coalesce(o.first_seen, 0)
	FROM g JOIN entries e ON e.id = g.id LEFT JOIN entries o ON o.id = e.duplicate_of
	WHERE e.first_seen >= ?%d AND e.source_id <> ?%d`, shared, since, source)
	return b.String()
}()

const (
	deleteKeysSQL = `DELETE FROM dedup_keys WHERE entry_id = ?`
	insertKeySQL  = `INSERT OR IGNORE INTO dedup_keys (key, entry_id) VALUES (?, ?)`
)

// keyWriter gives entries their duplicate keys within a transaction: the
// keys of an entry above the pending keys' through wait in memory (added
// by done, after the commit), the others are written at once, with the
// store's prepared statements.
type keyWriter struct {
	del, ins *sql.Stmt
	through  int64
	fresh    []freshKeys
}

type freshKeys struct {
	id   int64
	keys []uint32
}

// newKeyWriter returns a keyWriter; the caller holds s.keysMu.
func (s *Store) newKeyWriter(ctx context.Context, tx *sql.Tx) (*keyWriter, error) {
	del, err := s.txStmt(ctx, tx, deleteKeysSQL)
	if err != nil {
		return nil, err
	}
	ins, err := s.txStmt(ctx, tx, insertKeySQL)
	if err != nil {
		del.Close()
		return nil, err
	}
	through, _ := s.pending.state()
	return &keyWriter{del: del, ins: ins, through: through}, nil
}

// set gives the entry with row id its keys; replace drops the ones it had.
func (w *keyWriter) set(ctx context.Context, rowID int64, keys []uint32, replace bool) error {
	if rowID > w.through {
		w.fresh = append(w.fresh, freshKeys{rowID, keys})
		return nil
	}
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

// done adds the keys that wait to the store's pending keys, once the
// transaction has committed, and writes them all when there are enough.
func (w *keyWriter) done(ctx context.Context, s *Store) error {
	for _, f := range w.fresh {
		s.pending.add(f.id, f.keys, true)
	}
	if through, highest := s.pending.state(); s.pending.size() >= flushKeysAt && highest > through {
		return s.flushKeys(ctx, highest)
	}
	return nil
}

func (w *keyWriter) Close() {
	w.del.Close()
	w.ins.Close()
}

// Resketch makes again the sketches and duplicate keys of the entries
// first seen at or after since, from their stored texts, with sketch (for
// a database whose sketches were made another way). It goes through them
// 500 at a time, a transaction each, and returns how many it made again.
func (s *Store) Resketch(ctx context.Context, since time.Time, sketch func(text string) (fingerprint []byte, keys []uint32)) (int, error) {
	done, after := 0, int64(0)
	for {
		n, last, err := s.resketchBatch(ctx, since, after, sketch)
		if err != nil {
			return done, fmt.Errorf("resketch: %w", err)
		}
		if n == 0 {
			return done, nil
		}
		done, after = done+n, last
	}
}

// resketchBatch makes again the sketches of the next 500 entries after row
// id after; it returns how many, and the last one's row id.
func (s *Store) resketchBatch(ctx context.Context, since time.Time, after int64, sketch func(string) ([]byte, []uint32)) (int, int64, error) {
	type made struct {
		id          int64
		fingerprint []byte
		keys        []uint32
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT id, content_text FROM entries WHERE first_seen >= ? AND id > ? ORDER BY id LIMIT 500`, since.Unix(), after)
	if err != nil {
		return 0, 0, err
	}
	var batch []made
	for rows.Next() {
		var m made
		var text string
		if err := rows.Scan(&m.id, &text); err != nil {
			rows.Close()
			return 0, 0, err
		}
		m.fingerprint, m.keys = sketch(text)
		batch = append(batch, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(batch) == 0 {
		return 0, 0, err
	}
	s.keysMu.Lock()
	defer s.keysMu.Unlock()
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	w, err := s.newKeyWriter(ctx, tx)
	if err != nil {
		return 0, 0, err
	}
	defer w.Close()
	for _, m := range batch {
		if _, err := tx.ExecContext(ctx, `UPDATE entries SET fingerprint = ? WHERE id = ?`, m.fingerprint, m.id); err != nil {
			return 0, 0, err
		}
		if err := w.set(ctx, m.id, m.keys, true); err != nil {
			return 0, 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, err
	}
	if err := w.done(ctx, s); err != nil {
		return 0, 0, err
	}
	return len(batch), batch[len(batch)-1].id, nil
}

// EachDedupKeySince calls key with the duplicate keys, and url with the
// URLs, of the entries first seen at or after since (for dedup.Filter),
// and with the keys that wait in memory to be written.
func (s *Store) EachDedupKeySince(ctx context.Context, since time.Time, key func(uint32), url func(string)) error {
	for _, p := range s.pending.sorted() {
		key(p.key)
	}
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
