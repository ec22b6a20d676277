package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/tributary/tributary/publisher"
)

// runExport writes every feed and page of the stored entries as static
// files; it does not poll.
func runExport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (required)")
	out := fs.String("out", "", "directory to write to (required)")
	dbPath := fs.String("db", "", "database file (overrides the config)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" {
		fmt.Fprintln(stderr, "export: -out is required")
		return 2
	}
	cfg, code := loadConfig("export", *path, overrides{db: *dbPath}, stderr)
	if cfg == nil {
		return code
	}
	ctx := context.Background()
	p, err := openPipeline(ctx, cfg, newLogger(io.Discard), readOnly)
	if err != nil {
		fmt.Fprintf(stderr, "export: %v\n", err)
		return 1
	}
	defer p.Close()
	if err := p.poller.LoadRelated(ctx); err != nil {
		fmt.Fprintf(stderr, "export: load related entries: %v\n", err)
		return 1
	}
	pub := publisher.New(p.store, p.poller, publisherSettings(cfg), time.Now, newLogger(stderr))
	n, err := pub.Export(ctx, *out)
	if err != nil {
		fmt.Fprintf(stderr, "export: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d files to %s\n", n, *out)
	return 0
}
