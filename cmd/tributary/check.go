package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/tributary/tributary/config"
)

// runCheck validates a config: exit 0 when it is good, 1 with every problem
// listed as file:line: reason when it is not.
func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (required)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *path == "" {
		fmt.Fprintln(stderr, "check: -config is required")
		return 2
	}
	cfg, err := config.Load(*path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok, %d sources\n", *path, len(cfg.Sources))
	return 0
}
