package store

import (
	"context"
	"fmt"
	"time"
)

// Prune deletes the entries published (or, without a date, first seen)
// before cutoff, except the newest keep of each source, and leaves a
// tombstone for each so that a source listing them again does not bring
// them back. It returns the row ids of the entries it deleted.
func (s *Store) Prune(ctx context.Context, now, cutoff time.Time, keep int) ([]int64, error) {
	return s.pruneWhere(ctx, now, `
		SELECT id FROM (
			SELECT id, coalesce(published, first_seen) AS at,
				row_number() OVER (PARTITION BY source_id
					ORDER BY coalesce(published, first_seen) DESC, first_seen DESC, id DESC) AS rank
			FROM entries)
		WHERE at < ? AND rank > ?`, cutoff.Unix(), keep)
}

// PruneTombstones forgets the tombstones left before before, so that the
// table of pruned and filtered keys does not grow for ever. A feed that
// still lists such an item brings it back once (as an old entry, which
// retention prunes again); a filtered one is filtered again.
func (s *Store) PruneTombstones(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.writer.ExecContext(ctx, `DELETE FROM tombstones WHERE pruned_at < ?`, before.Unix())
	if err != nil {
		return 0, fmt.Errorf("prune tombstones: %w", err)
	}
	return res.RowsAffected()
}

// Cap deletes the entries of the source with id sourceID beyond its newest
// max, whatever their age, leaving tombstones like Prune. It bounds what a
// source can add between two daily prunes: a feed that lists thousands of
// fresh items at every poll cannot grow the store without end.
func (s *Store) Cap(ctx context.Context, now time.Time, sourceID int64, max int) ([]int64, error) {
	// Most polls leave a source under its cap: a count on a reader spares
	// them the write transaction.
	count, err := s.stmt(ctx, s.reader, `SELECT count(*) FROM entries WHERE source_id = ?`)
	if err != nil {
		return nil, fmt.Errorf("prune: %w", err)
	}
	var n int
	if err := count.QueryRowContext(ctx, sourceID).Scan(&n); err != nil {
		return nil, fmt.Errorf("prune: %w", err)
	}
	if n <= max {
		return nil, nil
	}
	return s.pruneWhere(ctx, now, `
		SELECT id FROM entries WHERE source_id = ?
		ORDER BY coalesce(published, first_seen) DESC, first_seen DESC, id DESC
		LIMIT -1 OFFSET ?`, sourceID, max)
}

// pruneWhere deletes the entries whose ids the query selects, in one
// transaction, leaving a tombstone for each, and returns their row ids.
func (s *Store) pruneWhere(ctx context.Context, now time.Time, query string, args ...any) ([]int64, error) {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("prune: %w", err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `
		CREATE TEMP TABLE IF NOT EXISTS doomed (id INTEGER PRIMARY KEY);
		DELETE FROM doomed;`)
	if err != nil {
		return nil, fmt.Errorf("prune: %w", err)
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO doomed (id) `+query, args...); err != nil {
		return nil, fmt.Errorf("prune: choose entries: %w", err)
	}
	_, err = tx.ExecContext(ctx, `
		INSERT OR IGNORE INTO tombstones (source_id, key, pruned_at)
		SELECT source_id, key, ? FROM entries WHERE id IN (SELECT id FROM doomed)`, now.Unix())
	if err != nil {
		return nil, fmt.Errorf("prune: tombstones: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `DELETE FROM entries WHERE id IN (SELECT id FROM doomed) RETURNING id`)
	if err != nil {
		return nil, fmt.Errorf("prune: delete: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("prune: delete: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("prune: delete: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("prune: %w", err)
	}
	if len(ids) > 0 {
		s.bump()
	}
	return ids, nil
}
