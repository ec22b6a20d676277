package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator/store"
)

func TestLockIsExclusiveAndNamesTheOwner(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	first, err := store.Acquire(db)
	if err != nil {
		t.Fatal(err)
	}
	// flock(2) locks belong to an open file description, so a second
	// acquisition conflicts even inside one process.
	_, err = store.Acquire(db)
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("second Acquire = %v, want ErrLocked naming pid %d", err, os.Getpid())
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := store.Acquire(db)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	again.Release()
}

// Commits by another connection (another process, the sqlite3 shell) move
// the generation, so cached feeds are rendered again.
func TestGenerationSeesOtherWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	daemon := open(t, path)
	store.SetExternalCheckInterval(daemon, 0)
	other := open(t, path)
	g1 := daemon.Generation()
	if g2 := daemon.Generation(); g2 != g1 {
		t.Fatalf("generation moved from %d to %d with no write", g1, g2)
	}
	if err := other.SyncSources(context.Background(), []store.SourceConfig{{URL: "https://x.example/feed", Location: "https://x.example/feed"}}); err != nil {
		t.Fatal(err)
	}
	if g3 := daemon.Generation(); g3 == g1 {
		t.Error("generation did not move after another connection committed")
	}
}

// A backup taken while the WAL holds the data has every committed entry.
func TestBackupCopiesWhatTheWALHolds(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	st := open(t, path)
	const src = "https://x.example/feed"
	ctx := context.Background()
	if err := st.SyncSources(ctx, []store.SourceConfig{{URL: src, Location: src}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.SavePoll(ctx, store.Poll{SourceURL: src, At: time.Now(), Entries: entries("one", "two", "three")}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "copy.db")
	if err := store.Backup(context.Background(), path, out); err != nil {
		t.Fatal(err)
	}
	if err := store.Backup(context.Background(), path, out); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("backup over an existing file: %v", err)
	}
	cp := open(t, out)
	if n, err := cp.CountEntries(ctx); err != nil || n != 3 {
		t.Errorf("the copy holds %d entries (%v), want 3", n, err)
	}
}

// A backup taken while polls are being written holds whole polls only: each
// poll writes 10 entries in one transaction, so the copy holds a multiple of
// 10, and SQLite finds it intact.
func TestBackupDuringIngest(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	st := open(t, path)
	ctx := context.Background()
	const src = "https://x.example/feed"
	if err := st.SyncSources(ctx, []store.SourceConfig{{URL: src, Location: src}}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			var titles []string
			for j := range 10 {
				titles = append(titles, fmt.Sprintf("poll %d entry %d", i, j))
			}
			if _, _, err := st.SavePoll(ctx, store.Poll{SourceURL: src, At: time.Now(), Entries: entries(titles...)}); err != nil {
				done <- err
				return
			}
		}
	}()
	for i := range 3 {
		time.Sleep(20 * time.Millisecond) // let some polls land between copies
		out := filepath.Join(dir, fmt.Sprintf("copy%d.db", i))
		if err := store.Backup(ctx, path, out); err != nil {
			t.Fatal(err)
		}
		var n int
		var check string
		db := raw(t, out)
		if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
			t.Errorf("copy %d: integrity_check %q, %v", i, check, err)
		}
		if err := db.QueryRow(`SELECT count(*) FROM entries`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n%10 != 0 || n == 0 {
			t.Errorf("copy %d holds %d entries: part of a poll, or none", i, n)
		}
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
