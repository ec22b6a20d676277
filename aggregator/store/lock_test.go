package store_test

import (
	"context"
	"errors"
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
