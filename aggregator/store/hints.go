package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Hint is a related entry and its score, higher is closer.
type Hint struct {
	ID    int64
	Score float64
}

// StoredHints are an entry's related entries as they were computed.
type StoredHints struct {
	Hints []Hint // best first
	// At is the newest entry id when they were computed: how many entries
	// came after says how stale they may be.
	At int64
}

// HintSet is an entry's newly computed related entries.
type HintSet struct {
	EntryID int64
	Hints   []Hint
}

// Challenger is a newly ranked entry that may belong in the stored hints of
// Entry: it scored Score there, and the stored hints are computed again
// unless they already hold Top entries at least as close.
type Challenger struct {
	Entry, ID int64
	Score     float64
	Top       int
}

// NewestID returns the largest entry id, 0 when there are none. Entry ids
// grow as entries are added, so it serves as a clock for stored hints.
func (s *Store) NewestID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.reader.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM entries").Scan(&id); err != nil {
		return 0, fmt.Errorf("newest entry: %w", err)
	}
	return id, nil
}

// StoredHints returns the stored hints of those of ids that have them.
func (s *Store) StoredHints(ctx context.Context, ids []int64) (map[int64]StoredHints, error) {
	out := map[int64]StoredHints{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT e.id, e.hints_at, coalesce(h.hint_id, 0), coalesce(h.score, 0)
		FROM entries e LEFT JOIN related_hints h ON h.entry_id = e.id
		WHERE e.id IN (SELECT value FROM json_each(?)) AND e.hints_at IS NOT NULL
		ORDER BY e.id, h.rank`, jsonInts(ids))
	if err != nil {
		return nil, fmt.Errorf("stored hints: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, at, hint int64
		var score float64
		if err := rows.Scan(&id, &at, &hint, &score); err != nil {
			return nil, fmt.Errorf("stored hints: %w", err)
		}
		sh := out[id]
		sh.At = at
		if hint != 0 {
			sh.Hints = append(sh.Hints, Hint{ID: hint, Score: score})
		}
		out[id] = sh
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stored hints: %w", err)
	}
	return out, nil
}

// SaveHints stores newly computed hints, computed when at was the newest
// entry id, and marks for computing again the stored hints that a
// challenger would enter. Entries deleted meanwhile are skipped. Stored
// hints are not what the feeds show changing, so the generation is not
// bumped.
func (s *Store) SaveHints(ctx context.Context, sets []HintSet, at int64, challengers []Challenger) error {
	if len(sets) == 0 && len(challengers) == 0 {
		return nil
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save hints: %w", err)
	}
	defer tx.Rollback()
	// Each statement is prepared once for the transaction.
	stmts := map[string]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	exec := func(query string, args ...any) error {
		st, ok := stmts[query]
		if !ok {
			var err error
			if st, err = tx.PrepareContext(ctx, query); err != nil {
				return err
			}
			stmts[query] = st
		}
		_, err := st.ExecContext(ctx, args...)
		return err
	}
	for _, set := range sets {
		if err := exec("DELETE FROM related_hints WHERE entry_id = ?", set.EntryID); err != nil {
			return fmt.Errorf("save hints of %d: %w", set.EntryID, err)
		}
		for rank, h := range set.Hints {
			if err := exec(`INSERT INTO related_hints (entry_id, rank, hint_id, score)
				SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM entries WHERE id = ?1)
					AND EXISTS (SELECT 1 FROM entries WHERE id = ?3)`, set.EntryID, rank, h.ID, h.Score); err != nil {
				return fmt.Errorf("save hints of %d: %w", set.EntryID, err)
			}
		}
		if err := exec("UPDATE entries SET hints_at = ? WHERE id = ?", at, set.EntryID); err != nil {
			return fmt.Errorf("save hints of %d: %w", set.EntryID, err)
		}
	}
	for _, c := range challengers {
		if err := exec(`UPDATE entries SET hints_at = NULL
			WHERE id = ?1 AND hints_at IS NOT NULL
				AND NOT EXISTS (SELECT 1 FROM related_hints WHERE entry_id = ?1 AND hint_id = ?2)
				AND (SELECT count(*) FROM related_hints WHERE entry_id = ?1 AND score >= ?3) < ?4`,
			c.Entry, c.ID, c.Score, c.Top); err != nil {
			return fmt.Errorf("mark hints of %d: %w", c.Entry, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save hints: %w", err)
	}
	return nil
}
