package main

import (
	"context"
	"database/sql"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator/store"
)

// One daemon per database: a second `run`, and a `fetch`, are refused with
// the first one's PID; a backup taken meanwhile holds every entry; a commit
// by another process shows in the daemon's feeds without a restart.
func TestOneDaemonPerDatabase(t *testing.T) {
	d, dir, bin, cfg := startRSSDaemon(t)
	pid := strconv.Itoa(d.cmd.Process.Pid)

	for _, args := range [][]string{
		{"run", "-config", cfg, "-listen", "127.0.0.1:0"},
		{"fetch", "-config", cfg},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
		cancel()
		if err == nil || !strings.Contains(string(out), "pid "+pid) {
			t.Errorf("%s while the daemon runs: %v\n%s", args[0], err, out)
		}
	}

	copyPath := filepath.Join(dir, "copy.db")
	if out, err := exec.Command(bin, "backup", "-config", cfg, copyPath).CombinedOutput(); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	cp, err := store.Open(context.Background(), copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := cp.CountEntries(context.Background()); err != nil || n != 3 {
		t.Errorf("the backup holds %d entries (%v), want 3", n, err)
	}
	cp.Close()

	// Another process edits the database: the daemon's cached feed follows.
	db, err := sql.Open("sqlite", filepath.Join(dir, "t.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE entries SET title = 'Counting trout instead' WHERE title = 'Counting salmon at the weir'`); err != nil {
		t.Fatal(err)
	}
	d.waitForFeed("Counting trout instead")
}
