package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"syscall"
	"time"

	"github.com/tributary/tributary/aggregator/store"
	"github.com/tributary/tributary/config"
)

// runReload asks the daemon running on the config's database to read its
// config again (SIGHUP) and waits for its answer: 0 when it applied the new
// config, 1 when it refused it (the reason is printed) or did not answer.
// It is systemd's ExecReload, so that `systemctl reload` fails when the
// new config is refused.
func runReload(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("reload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (required)")
	dbPath := fs.String("db", "", "database file (overrides the config's)")
	timeout := fs.Duration("timeout", 60*time.Second, "how long to wait for the daemon's answer")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *path == "" {
		fmt.Fprintln(stderr, "reload: -config is required")
		return 2
	}
	// A config that does not load is refused here already; the daemon is
	// still told (when the database is known), so that it logs and reports
	// the refusal too.
	db := *dbPath
	cfg, loadErr := config.Load(*path)
	if loadErr == nil && db == "" {
		db = cfg.Database
	}
	if db == "" {
		fmt.Fprintln(stderr, loadErr)
		return 1
	}
	pid, err := store.Owner(db)
	if err != nil || pid == 0 {
		fmt.Fprintf(stderr, "reload: no daemon runs on %s (%v)\n", db, err)
		return 1
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		fmt.Fprintf(stderr, "reload: %v\n", err)
		return 1
	}
	defer st.Close()
	before, err := st.Meta(ctx, metaReloadCount)
	if err != nil {
		fmt.Fprintf(stderr, "reload: %v\n", err)
		return 1
	}
	if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
		fmt.Fprintf(stderr, "reload: signal pid %d: %v\n", pid, err)
		return 1
	}
	deadline := time.Now().Add(*timeout)
	for time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		count, err := st.Meta(ctx, metaReloadCount)
		if err != nil || count == before {
			continue
		}
		result, err := st.Meta(ctx, metaReloadResult)
		if err != nil {
			fmt.Fprintf(stderr, "reload: %v\n", err)
			return 1
		}
		if result != "" {
			fmt.Fprintf(stderr, "reload refused; the daemon keeps its running config:\n%s\n", result)
			return 1
		}
		fmt.Fprintf(stdout, "reloaded (pid %d)\n", pid)
		return 0
	}
	fmt.Fprintf(stderr, "reload: the daemon (pid %d) did not answer within %s\n", pid, *timeout)
	return 1
}

// keepStartupSettings puts back into cfg, a config being reloaded, the
// running values of the settings read only when the daemon starts (where
// it listens, its database, how it fetches, and what the poller's indexes
// were made with), and returns the names of those that changed, so that a
// reload says what it did not apply rather than pretend it did.
func keepStartupSettings(old, cfg *config.Config) []string {
	var changed []string
	keep := func(name string, differs bool, restore func()) {
		if differs {
			changed = append(changed, name)
			restore()
		}
	}
	keep("listen", cfg.Listen != old.Listen, func() { cfg.Listen = old.Listen })
	keep("database", cfg.Database != old.Database, func() { cfg.Database = old.Database })
	keep("fetch", cfg.Fetch != old.Fetch, func() { cfg.Fetch = old.Fetch })
	keep("dedup.window", cfg.Dedup.Window != old.Dedup.Window, func() { cfg.Dedup.Window = old.Dedup.Window })
	keep("related.window", cfg.Related.Window != old.Related.Window, func() { cfg.Related.Window = old.Related.Window })
	keep("related.index_entries", cfg.Related.IndexEntries != old.Related.IndexEntries, func() { cfg.Related.IndexEntries = old.Related.IndexEntries })
	keep("related.index_terms", cfg.Related.IndexTerms != old.Related.IndexTerms, func() { cfg.Related.IndexTerms = old.Related.IndexTerms })
	// related.max: 0 leaves the index out at start; any other change of it
	// applies at once.
	keep("related.max", old.Related.Max == 0 && cfg.Related.Max != 0, func() { cfg.Related.Max = 0 })
	return changed
}
