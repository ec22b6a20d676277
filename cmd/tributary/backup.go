package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/tributary/tributary/aggregator/store"
)

// runBackup writes a consistent copy of the database to a new file, while
// the daemon runs or not.
func runBackup(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file naming the database")
	dbPath := fs.String("db", "", "database file (instead of, or overriding, the config's)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "backup: give one file to write the copy to")
		return 2
	}
	db := *dbPath
	if db == "" {
		cfg, code := loadConfig("backup", *path, overrides{}, stderr)
		if cfg == nil {
			return code
		}
		db = cfg.Database
	}
	if err := store.Backup(context.Background(), db, fs.Arg(0)); err != nil {
		fmt.Fprintf(stderr, "backup: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote a copy of %s to %s\n", db, fs.Arg(0))
	return 0
}
