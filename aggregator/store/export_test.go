package store

import (
	"context"
	"database/sql"
	"time"
)

// SetExternalCheckInterval sets how stale Generation may be about other
// processes' commits, so that a test need not wait.
func SetExternalCheckInterval(s *Store, d time.Duration) {
	s.external.mu.Lock()
	defer s.external.mu.Unlock()
	s.external.every = d
	s.external.next.Store(0)
}

// MigrateTo brings the schema of db to version target, so that a test can
// make a database as an older tributary left it.
func MigrateTo(db *sql.DB, target int) error {
	return migrateTo(context.Background(), db, target)
}

// WriterExec runs a statement on the store's writer connection, whose
// view of the schema a migration must have left current.
func WriterExec(s *Store, query string, args ...any) error {
	_, err := s.writer.Exec(query, args...)
	return err
}

// Pragma returns the value of PRAGMA name on the writer connection, or on
// a reader one.
func Pragma(s *Store, writer bool, name string) (string, error) {
	db := s.reader
	if writer {
		db = s.writer
	}
	var v string
	err := db.QueryRow("PRAGMA " + name).Scan(&v)
	return v, err
}
