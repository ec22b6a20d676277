package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
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
	all, err := s.DupCandidatesAll(ctx, []DupQuery{q})
	if err != nil {
		return nil, err
	}
	return all[0], nil
}

// DupCandidatesAll is DupCandidates for several new entries at once, a
// poll's: the keys of all of them are looked up in two statements and the
// entries found in one more, rather than a statement for each entry (most
// of whose cost was the statement's own, not its lookups).
func (s *Store) DupCandidatesAll(ctx context.Context, qs []DupQuery) ([][]dedup.Candidate, error) {
	keys, crowded := map[uint32][]int64{}, map[uint32][]int64{}
	var urls []string
	for _, q := range qs {
		for _, k := range q.Keys {
			keys[k] = nil
		}
		for _, k := range q.Crowded {
			crowded[k] = nil
		}
		if q.URL != "" {
			urls = append(urls, q.URL)
		}
	}
	if err := s.entriesByKey(ctx, keys, dedup.PerKey); err != nil {
		return nil, fmt.Errorf("duplicate candidates: %w", err)
	}
	if err := s.entriesByKey(ctx, crowded, dedup.CrowdedPerKey); err != nil {
		return nil, fmt.Errorf("duplicate candidates: %w", err)
	}
	byURL, err := s.entriesByURL(ctx, urls)
	if err != nil {
		return nil, fmt.Errorf("duplicate candidates: %w", err)
	}
	// Which entries each query finds (true: by its URL), and all of them.
	finds := make([]map[int64]bool, len(qs))
	var found []int64
	for i, q := range qs {
		// An entry sharing one key of several is nearly always a
		// coincidence of common phrases; a copy shares most of them.
		shared := q.Shared
		if shared == 0 {
			shared = min(dedup.MinSharedKeys, len(q.Keys)+len(q.Crowded))
		}
		count := map[int64]int{}
		for _, k := range q.Keys {
			for _, id := range keys[k] {
				count[id]++
			}
		}
		for _, k := range q.Crowded {
			for _, id := range crowded[k] {
				count[id]++
			}
		}
		f := map[int64]bool{}
		for id, n := range count {
			if shared > 0 && n >= shared {
				f[id] = false
			}
		}
		if q.URL != "" {
			for _, id := range byURL[q.URL] {
				f[id] = true
			}
		}
		for id := range f {
			found = append(found, id)
		}
		finds[i] = f
	}
	cands, err := s.candidates(ctx, found)
	if err != nil {
		return nil, fmt.Errorf("duplicate candidates: %w", err)
	}
	out := make([][]dedup.Candidate, len(qs))
	for i, q := range qs {
		for id, viaURL := range finds[i] {
			c, ok := cands[id]
			if !ok || c.Source == q.SourceID || c.FirstSeen.Unix() < q.Since.Unix() {
				continue
			}
			c.ByURL = viaURL
			out[i] = append(out[i], c)
		}
		slices.SortFunc(out[i], func(a, b dedup.Candidate) int { return cmp.Compare(a.ID, b.ID) })
	}
	return out, nil
}

// entriesByKey fills in the entries of each key of keys, newest first: the
// newest limit on disk, and as many again of those waiting in memory (see
// keys.go), whose entries are newer than any on disk.
func (s *Store) entriesByKey(ctx context.Context, keys map[uint32][]int64, limit int) error {
	if len(keys) == 0 {
		return nil
	}
	list := make([]int64, 0, len(keys))
	for k := range keys {
		list = append(list, int64(k))
	}
	rows, err := s.query(ctx, entriesByKeySQL, jsonInts(list), limit)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k int64
		var ids sql.NullString
		if err := rows.Scan(&k, &ids); err != nil {
			return err
		}
		found := keys[uint32(k)]
		for f := range strings.FieldsSeq(ids.String) {
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return fmt.Errorf("key %d: entry %q: %w", k, f, err)
			}
			found = append(found, id)
		}
		keys[uint32(k)] = s.pending.appendIDs(found, uint32(k), limit)
	}
	return rows.Err()
}

// entriesByURL returns the entries that have each of urls.
func (s *Store) entriesByURL(ctx context.Context, urls []string) (map[string][]int64, error) {
	if len(urls) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(urls)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, entriesByURLSQL, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var u string
		var id int64
		if err := rows.Scan(&u, &id); err != nil {
			return nil, err
		}
		out[u] = append(out[u], id)
	}
	return out, rows.Err()
}

// candidates returns the entries with ids, with their sketches and, for
// copies, their original's source and first-seen time.
func (s *Store) candidates(ctx context.Context, ids []int64) (map[int64]dedup.Candidate, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.query(ctx, candidatesSQL, jsonInts(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]dedup.Candidate, len(ids))
	for rows.Next() {
		var c dedup.Candidate
		var firstSeen, origFirstSeen int64
		var sketch []byte
		if err := rows.Scan(&c.ID, &c.Source, &firstSeen, &sketch, &c.Original, &c.OriginalSource, &origFirstSeen); err != nil {
			return nil, err
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
		out[c.ID] = c
	}
	return out, rows.Err()
}

// The statements of DupCandidatesAll. entriesByKeySQL reads each key's
// newest entries (the limit is the second argument) as one string of
// ids; the keys are a JSON array. entriesByURLSQL states the partial
// index's condition, so that the index is used.
const (
	entriesByKeySQL = `SELECT j.value, (SELECT group_concat(entry_id, ' ') FROM
		(SELECT entry_id FROM dedup_keys WHERE key = j.value ORDER BY entry_id DESC LIMIT ?2))
		FROM json_each(?1) j`
	entriesByURLSQL = `SELECT url, id FROM entries WHERE url IN (SELECT value FROM json_each(?)) AND url <> ''`
	candidatesSQL   = `SELECT e.id, e.source_id, e.first_seen, e.fingerprint,
		coalesce(e.duplicate_of, 0), coalesce(o.source_id, 0), coalesce(o.first_seen, 0)
		FROM entries e LEFT JOIN entries o ON o.id = e.duplicate_of
		WHERE e.id IN (SELECT value FROM json_each(?))`
)

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
