package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/aggregator/store"
)

// runStatus prints every source's state from the database, while the
// daemon runs or not: exit 0 when all are ok (or not polled yet), 3 when
// some fail, 1 on error.
func runStatus(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file naming the database")
	dbPath := fs.String("db", "", "database file (instead of, or overriding, the config's)")
	asJSON := fs.Bool("json", false, "print JSON, as /sources.json")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	db := *dbPath
	if db == "" {
		cfg, code := loadConfig("status", *path, overrides{}, stderr)
		if cfg == nil {
			return code
		}
		db = cfg.Database
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		fmt.Fprintf(stderr, "status: %v\n", err)
		return 1
	}
	defer st.Close()
	report, err := aggregator.SourceReport(ctx, st, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "status: %v\n", err)
		return 1
	}
	bad := 0
	for _, s := range report {
		if s.State == aggregator.StateFailing || s.State == aggregator.StateBackingOff || s.State == aggregator.StateGone {
			bad++
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(report)
	} else {
		printStatus(stdout, report)
	}
	if bad > 0 {
		return 3
	}
	return 0
}

func printStatus(w io.Writer, report []aggregator.SourceStatus) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tSTATE\tLAST SUCCESS\tNEXT POLL\tENTRIES\tLAST ERROR / WAITING")
	when := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.Local().Format("2006-01-02 15:04")
	}
	for _, s := range report {
		state := s.State
		if s.Failures > 0 {
			state = fmt.Sprintf("%s (%d×)", s.State, s.Failures)
		}
		detail := s.LastError
		if s.Waiting != "" {
			detail += "; " + s.Waiting
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", s.Name, state, when(s.LastSuccess), when(s.NextPoll), s.Entries, detail)
	}
	tw.Flush()
}
