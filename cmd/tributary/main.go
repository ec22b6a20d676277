// Command tributary polls the feeds listed in a YAML config, stores every
// entry once in SQLite and republishes them as one merged feed.
//
//	tributary run -config FILE [-listen ADDR] [-db PATH] [-log-level L] [-log-format F]
//	tributary check -config FILE
//	tributary fetch -config FILE [-db PATH] [SOURCE...]
//	tributary export -config FILE -out DIR [-db PATH]
//	tributary backup -config FILE [-db PATH] COPY
//	tributary version
package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
)

// version is the release of this build; set with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

const usage = `usage:
  tributary run -config FILE [-listen ADDR] [-db PATH]   run the daemon (also -log-level, -log-format)
  tributary check -config FILE                           validate a config
  tributary reload -config FILE [-db PATH]               make the running daemon read its config again
  tributary status -config FILE [-db PATH] [-json]       print every source's state
  tributary import-opml [-config FILE] OPML              print an OPML file's feeds as config sources
  tributary fetch -config FILE [-db PATH] [SOURCE...]    poll once and exit
  tributary export -config FILE -out DIR [-db PATH]      write feeds and pages as static files
  tributary backup -config FILE [-db PATH] COPY          write a consistent copy of the database
  tributary version                                      print the version
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "run":
		return runDaemon(args[1:], stderr)
	case "check":
		return runCheck(args[1:], stdout, stderr)
	case "reload":
		return runReload(args[1:], stdout, stderr)
	case "status":
		return runStatus(args[1:], stdout, stderr)
	case "import-opml":
		return runImportOPML(args[1:], stdout, stderr)
	case "fetch":
		return runFetch(args[1:], stdout, stderr)
	case "export":
		return runExport(args[1:], stdout, stderr)
	case "backup":
		return runBackup(args[1:], stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintf(stdout, "tributary %s\n", buildVersion())
		return 0
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "tributary: unknown command %q\n%s", args[0], usage)
		return 2
	}
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// projectURL is where a feed's operator learns what polls them.
const projectURL = "https://github.com/tributary/tributary"

// userAgent names Tributary, its version and the project, never the
// daemon's own address (which may be a loopback or private one).
func userAgent() string {
	return fmt.Sprintf("Tributary/%s (+%s)", buildVersion(), projectURL)
}
