package store

import (
	"context"
	"database/sql"
	"fmt"
)

// The driver compiles a statement run from its text every time, which was
// a measurable part of saving a poll; so the statements run for every poll
// or new entry are prepared once and kept.

// writerQueries run in every poll's transaction. They are prepared on the
// writer at Open: while a transaction holds the writer's one connection,
// nothing can be prepared on the writer itself.
var writerQueries = []string{selectSourceSQL, updateSourceSQL, upsertEntrySQL, deleteKeysSQL, insertKeySQL}

// stmtKey names a prepared statement: its text, on the writer or a reader.
type stmtKey struct {
	db    *sql.DB
	query string
}

// prepareWriter prepares writerQueries.
func (s *Store) prepareWriter(ctx context.Context) error {
	for _, q := range writerQueries {
		if _, err := s.stmt(ctx, s.writer, q); err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
	}
	return nil
}

// stmt returns query prepared on db (s.writer or s.reader), preparing it
// the first time.
func (s *Store) stmt(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	key := stmtKey{db, query}
	s.stmtMu.Lock()
	st, ok := s.stmts[key]
	s.stmtMu.Unlock()
	if ok {
		return st, nil
	}
	// Prepared without the lock held, since preparing waits for a free
	// connection; two callers may both prepare, and one keeps its own.
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if prev, ok := s.stmts[key]; ok {
		st.Close()
		return prev, nil
	}
	if s.stmts == nil {
		s.stmts = map[stmtKey]*sql.Stmt{}
	}
	s.stmts[key] = st
	return st, nil
}

// txStmt returns one of writerQueries, for use within tx: Tx.StmtContext
// runs what the writer's connection prepared at Open.
func (s *Store) txStmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	s.stmtMu.Lock()
	st, ok := s.stmts[stmtKey{s.writer, query}]
	s.stmtMu.Unlock()
	if !ok {
		return nil, fmt.Errorf("statement not prepared at Open: %q", query)
	}
	return tx.StmtContext(ctx, st), nil
}

// query runs query, prepared once, on a reader.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	stmt, err := s.stmt(ctx, s.reader, query)
	if err != nil {
		return nil, err
	}
	return stmt.QueryContext(ctx, args...)
}
