package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"syscall"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/config/redact"
)

// runFetch polls every source (or the ones named) once, prints a line per
// source and exits 0 when all succeeded, 2 when some failed, 1 on a config
// or database error.
func runFetch(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fetch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (required)")
	dbPath := fs.String("db", "", "database file (overrides the config)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, code := loadConfig("fetch", *path, overrides{db: *dbPath}, stderr)
	if cfg == nil {
		return code
	}
	targets, err := selectTargets(aggregator.Targets(cfg), fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "fetch: %v\n", err)
		return 1
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	p, err := openPipeline(ctx, cfg, newLogger(io.Discard), exclusive)
	if err != nil {
		fmt.Fprintf(stderr, "fetch: %v\n", err)
		return 1
	}
	defer p.Close()

	failed := 0
	for _, r := range p.poller.PollAll(ctx, targets, true) {
		switch r.Outcome {
		case aggregator.Failed:
			failed++
			fmt.Fprintf(stdout, "FAIL %s: %v\n", redact.URL(r.Source), r.Err)
		case aggregator.Skipped:
			failed++
			fmt.Fprintf(stdout, "FAIL %s: interrupted\n", redact.URL(r.Source))
		default:
			note := ""
			if r.URLIdentity {
				note = ", identified by URL (GUIDs missing or repeated)"
			}
			for _, n := range r.Notices {
				note += "; " + n
			}
			fmt.Fprintf(stdout, "ok   %s: %s, %d new, %d updated%s (%d ms)\n",
				redact.URL(r.Source), r.Outcome, r.Counts.New, r.Counts.Updated, note, r.Duration.Milliseconds())
		}
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "%d of %d sources failed\n", failed, len(targets))
		return 2
	}
	return 0
}

// selectTargets keeps the targets named by URL or name; none named means all.
func selectTargets(all []aggregator.Target, names []string) ([]aggregator.Target, error) {
	if len(names) == 0 {
		return all, nil
	}
	var out []aggregator.Target
	for _, n := range names {
		found := false
		for _, t := range all {
			if t.Source.URL == n || (t.Source.Name != "" && t.Source.Name == n) {
				out = append(out, t)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("no source %q in the config", n)
		}
	}
	return out, nil
}
