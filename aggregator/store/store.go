// Package store keeps sources and entries in one SQLite file.
//
// There is one writer connection (transactions start IMMEDIATE, so
// concurrent writers queue on busy_timeout instead of failing) and a pool of
// read-only connections. Each poll of a source is written in one
// transaction together with the source's validators, so a failed write
// leaves the old validators and the next poll fetches the whole body again.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // driver "sqlite"
)

// pragmas are every connection's. modernc.org/sqlite applies a DSN's
// _pragma values in sorted order, not as written, so none may appear
// twice: a second cache_size would not override the first, only the one
// that sorts last would win (TestPragmas).
const pragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"

// Page caches, in KiB (cache_size's negative form). modernc's allocator
// gives each cached page (4 KB and SQLite's header) an 8 KB slot, so a
// full cache costs about twice its size, outside the Go heap. The writer's
// 2 MB is where a smaller one costs CPU (1 MB: +0.8 CPU-s a cold ingest
// of 50,000 entries) and a larger one memory without saving any (8 MB:
// 74 MB peak instead of 61). Readers serve renders (the newest entries'
// few pages) and the ingest's duplicate lookups: 128 KB peaked 2-3 MB
// lower than 512 with readers during an ingest, at the same latency, for
// about 0.35 CPU-s more an ingest (BENCHMARKS.md).
const (
	writerCacheKiB = 2000
	readerCacheKiB = 128
)

// Store is the database. It is safe for concurrent use.
type Store struct {
	writer *sql.DB
	reader *sql.DB
	// generation counts committed changes to what the feeds show, so that
	// rendered output can be cached until it moves.
	generation atomic.Uint64

	// Statements prepared once, for queries run for every poll or new
	// entry (see stmt).
	stmtMu sync.Mutex
	stmts  map[stmtKey]*sql.Stmt

	// Duplicate keys of new entries wait in pending to be written in
	// batches (see keys.go); keysMu is held by whoever saves entries or
	// writes keys, so that what waits and what is on disk agree.
	keysMu  sync.Mutex
	pending pendingKeys

	// external notices commits made by other processes (a maintenance
	// script, the sqlite3 shell): PRAGMA data_version on one connection
	// changes when another connection commits.
	external struct {
		mu      sync.Mutex
		conn    *sql.Conn
		version int64
		checked time.Time
		every   time.Duration // how stale Generation may be about them
		// next is when to look again (Unix nanoseconds), read without mu
		// so that most calls of Generation, one per request served, take
		// no lock.
		next atomic.Int64
	}
}

// Open opens (creating if needed) the database at path and migrates it.
func Open(ctx context.Context, path string) (*Store, error) {
	writer, err := sql.Open("sqlite", fmt.Sprintf("%s?%s&_pragma=cache_size(-%d)&_txlock=immediate", path, pragmas, writerCacheKiB))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetConnMaxIdleTime(0)
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := migrate(ctx, writer); err != nil {
		writer.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	reader, err := sql.Open("sqlite", fmt.Sprintf("%s?%s&_pragma=query_only(1)&_pragma=cache_size(-%d)", path, pragmas, readerCacheKiB))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	reader.SetMaxOpenConns(5) // one of them watches data_version
	s := &Store{writer: writer, reader: reader}
	s.generation.Store(1)
	if err := s.prepareWriter(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := s.restoreKeys(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open database %s: duplicate keys: %w", path, err)
	}
	s.external.every = 200 * time.Millisecond
	if s.external.conn, err = reader.Conn(ctx); err == nil {
		err = s.external.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&s.external.version)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return s, nil
}

// Close writes the duplicate keys that wait in memory and closes the
// database after the writes in progress have finished.
func (s *Store) Close() error {
	ferr := s.FlushKeys(context.Background())
	if s.external.conn != nil {
		s.external.conn.Close()
	}
	s.stmtMu.Lock()
	for _, stmt := range s.stmts {
		stmt.Close()
	}
	s.stmts = nil
	s.stmtMu.Unlock()
	rerr := s.reader.Close()
	if err := s.writer.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	if rerr != nil {
		return fmt.Errorf("close database: %w", rerr)
	}
	return ferr
}

// Generation returns a number that changes whenever what the feeds show may
// have changed: at once for this Store's writes, and within a fraction of a
// second for commits by other processes.
func (s *Store) Generation() uint64 {
	s.noticeExternalCommits()
	return s.generation.Load()
}

// noticeExternalCommits bumps the generation when PRAGMA data_version says
// some other connection committed since the last look. Our own writer is
// such a connection too, which costs at most one needless re-render.
func (s *Store) noticeExternalCommits() {
	x := &s.external
	now := time.Now()
	if now.UnixNano() < x.next.Load() {
		return
	}
	if !x.mu.TryLock() {
		return // someone is looking right now
	}
	defer x.mu.Unlock()
	if now.Sub(x.checked) < x.every {
		return
	}
	x.checked = now
	x.next.Store(now.Add(x.every).UnixNano())
	var v int64
	if err := x.conn.QueryRowContext(context.Background(), "PRAGMA data_version").Scan(&v); err != nil {
		return
	}
	if v != x.version {
		x.version = v
		s.bump()
	}
}

func (s *Store) bump() { s.generation.Add(1) }

// WriterAlive reports an error when the writer connection cannot be had
// within ctx: a write is stuck, and nothing more will be stored.
func (s *Store) WriterAlive(ctx context.Context) error {
	conn, err := s.writer.Conn(ctx)
	if err != nil {
		return fmt.Errorf("database writer: %w", err)
	}
	defer conn.Close()
	var one int
	if err := conn.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("database writer: %w", err)
	}
	return nil
}

// Invalidate moves the generation although no row changed: what is rendered
// from the store may differ all the same (the related index finished
// loading).
func (s *Store) Invalidate() { s.bump() }
