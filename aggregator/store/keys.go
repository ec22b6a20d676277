package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/tributary/tributary/aggregator/dedup"
)

// Duplicate keys are written to disk in batches, in key order.
//
// A poll's new entries have eight keys each, and dedup_keys is ordered by
// key, so written one poll at a time they land on hundreds of pages spread
// over the whole table, and every commit writes each of those pages again:
// about 1.3 MB of WAL for a poll of 50 entries, and a fifth of the CPU of a
// cold ingest. So the keys of new entries wait in memory (pendingKeys),
// where DupCandidates and EachDedupKeySince find them as they find those
// on disk, and are written together once flushKeysAt of them wait, at the
// end of every polling cycle (FlushKeys) and at Close.
//
// Nothing is lost if the daemon stops without writing them: the meta
// dedup_keys_through is an entry id up to which every entry's keys are on
// disk, and Open gives the entries above it their keys again, from their
// stored sketches. An entry saved with an id at or below it (one that
// changed, or a new one given the id of a deleted one) has its keys
// written at once, as before.

// flushKeysAt is how many keys may wait in memory (16 bytes each, and an
// entry in a map per distinct key).
const flushKeysAt = 16384

const keysThroughMeta = "dedup_keys_through"

// pendingKeys holds the duplicate keys of the entries saved since the last
// flush, by key, newest first. It is safe for concurrent use.
type pendingKeys struct {
	mu      sync.Mutex
	through int64            // entries up to this id have their keys on disk
	highest int64            // the highest entry id added since the last flush
	saved   bool             // keys of an entry saved by this process were added since
	newest  map[uint32]int32 // by key: its newest pair in pairs
	pairs   []pendingPair
}

type pendingPair struct {
	id   int64 // the entry; 0 once dropped
	key  uint32
	prev int32 // the key's next older pair in pairs; -1: none
}

// add gives the entry id keys, in place of any it had here: an entry that
// changed, or a deleted entry's id given to a new one (ids only grow
// otherwise, so only then is there anything to drop). The keys of a
// deleted entry are otherwise left to wait: DupCandidates only finds
// entries that exist, and flushKeys writes none of theirs.
//
// saved is false for the keys that Open makes again: those alone are not
// written, so that a process that only reads (tributary status beside a
// running daemon) writes nothing.
func (k *pendingKeys) add(id int64, keys []uint32, saved bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.saved = k.saved || saved
	if id <= k.highest {
		for i := range k.pairs {
			if k.pairs[i].id == id {
				k.pairs[i].id = 0
			}
		}
	}
	k.highest = max(k.highest, id)
	if k.newest == nil {
		k.newest = map[uint32]int32{}
	}
	for _, key := range keys {
		prev, ok := k.newest[key]
		if !ok {
			prev = -1
		}
		k.newest[key] = int32(len(k.pairs))
		k.pairs = append(k.pairs, pendingPair{id: id, key: key, prev: prev})
	}
}

// appendIDs appends to ids the newest limit entries that have key.
func (k *pendingKeys) appendIDs(ids []int64, key uint32, limit int) []int64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	i, ok := k.newest[key]
	for n := 0; ok && i >= 0 && n < limit; i = k.pairs[i].prev {
		if id := k.pairs[i].id; id != 0 {
			ids = append(ids, id)
			n++
		}
	}
	return ids
}

// size returns how many keys wait.
func (k *pendingKeys) size() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.pairs)
}

// sorted returns the waiting keys in the order they are best written in:
// by key, then by entry.
func (k *pendingKeys) sorted() []keyPair {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]keyPair, 0, len(k.pairs))
	for _, p := range k.pairs {
		if p.id != 0 {
			out = append(out, keyPair{p.key, p.id})
		}
	}
	slices.SortFunc(out, func(a, b keyPair) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.id, b.id))
	})
	return out
}

// flushed forgets the waiting keys, all written: entries up to through
// have theirs on disk.
func (k *pendingKeys) flushed(through int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.through, k.highest, k.saved = through, through, false
	k.newest, k.pairs = nil, nil
}

// state returns through, and the highest entry id added since the last
// flush; 0 for it when no saved entry was added (nothing is to be
// written).
func (k *pendingKeys) state() (through, highest int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.saved {
		return k.through, 0
	}
	return k.through, k.highest
}

type keyPair struct {
	key uint32
	id  int64
}

// FlushKeys writes the duplicate keys that wait in memory, in key order, in
// one transaction.
func (s *Store) FlushKeys(ctx context.Context) error {
	s.keysMu.Lock()
	defer s.keysMu.Unlock()
	through, highest := s.pending.state()
	if highest <= through {
		return nil
	}
	if err := s.flushKeys(ctx, highest); err != nil {
		return fmt.Errorf("write duplicate keys: %w", err)
	}
	return nil
}

// flushKeys writes the waiting keys and records that entries up to
// through have theirs on disk. The caller holds keysMu.
func (s *Store) flushKeys(ctx context.Context, through int64) error {
	pairs := s.pending.sorted()
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// An entry deleted while its keys waited (by retention, a cap, a
	// filter or another process) has none written.
	stored, err := storedEntries(ctx, tx, pairs)
	if err != nil {
		return err
	}
	ins, err := s.txStmt(ctx, tx, insertKeySQL)
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, p := range pairs {
		if _, ok := stored[p.id]; !ok {
			continue
		}
		if _, err := ins.ExecContext(ctx, int64(p.key), p.id); err != nil {
			return err
		}
	}
	if err := setMeta(ctx, tx, keysThroughMeta, strconv.FormatInt(through, 10)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.pending.flushed(through)
	return nil
}

// storedEntries returns which of the entries of pairs exist, looking each
// up once.
func storedEntries(ctx context.Context, tx *sql.Tx, pairs []keyPair) (map[int64]struct{}, error) {
	ids := make([]int64, 0, len(pairs)/dedup.KeyCount+1)
	for _, p := range pairs {
		ids = append(ids, p.id)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	rows, err := tx.QueryContext(ctx, `SELECT id FROM entries WHERE id IN (SELECT value FROM json_each(?))`, jsonInts(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	stored := make(map[int64]struct{}, len(ids))
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		stored[id] = struct{}{}
	}
	return stored, rows.Err()
}

// restoreKeys readies the keys that wait in memory at Open: none, but the
// entries saved after the last flush by a daemon that stopped without
// writing theirs get them again, from their stored sketches (as Resketch
// makes them, every key taken, crowded or not). A database without the
// meta was written by a version that stored every entry's keys at once.
func (s *Store) restoreKeys(ctx context.Context) error {
	var through int64
	v, err := s.Meta(ctx, keysThroughMeta)
	switch {
	case err != nil:
		return err
	case v == "":
		if err := s.writer.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM entries`).Scan(&through); err != nil {
			return err
		}
		if err := setMeta(ctx, s.writer, keysThroughMeta, strconv.FormatInt(through, 10)); err != nil {
			return err
		}
	default:
		if through, err = strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Errorf("meta %s: %w", keysThroughMeta, err)
		}
	}
	s.pending.flushed(through)
	rows, err := s.writer.QueryContext(ctx, `SELECT id, fingerprint FROM entries WHERE id > ? AND fingerprint IS NOT NULL ORDER BY id`, through)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var b []byte
		if err := rows.Scan(&id, &b); err != nil {
			return err
		}
		var sk dedup.Sketch
		if err := sk.UnmarshalBinary(b); err != nil {
			continue // as if too short to compare: URL matches still find its copies
		}
		keys, _ := dedup.Keys(sk, nil)
		s.pending.add(id, keys, false)
	}
	return rows.Err()
}

func setMeta(ctx context.Context, db execer, key, value string) error {
	_, err := db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}
