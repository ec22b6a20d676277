package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/tributary/tributary/config/opml"
)

// runImportOPML reads a feed reader's OPML export and prints its feeds as
// the `sources:` entries of a config, for the user to paste into theirs
// (the config stays theirs: it is not rewritten). With -config, feeds the
// config already has are left out.
func runImportOPML(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import-opml", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config whose sources are left out")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "import-opml: give one OPML file")
		return 2
	}
	have := map[string]bool{}
	if *path != "" {
		cfg, code := loadConfig("import-opml", *path, overrides{}, stderr)
		if cfg == nil {
			return code
		}
		for _, s := range cfg.Sources {
			have[s.URL] = true
		}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "import-opml: %v\n", err)
		return 1
	}
	defer f.Close()
	subs, skipped, err := opml.Parse(f)
	if err != nil {
		fmt.Fprintf(stderr, "import-opml: %s: %v\n", fs.Arg(0), err)
		return 1
	}
	type source struct {
		URL        string   `yaml:"url"`
		Name       string   `yaml:"name,omitempty"`
		Categories []string `yaml:"categories,omitempty"`
	}
	var out []source
	known := 0
	for _, s := range subs {
		if have[s.FeedURL] {
			known++
			continue
		}
		out = append(out, source{URL: s.FeedURL, Name: s.Title, Categories: s.Categories})
	}
	fmt.Fprintf(stdout, "# %d feeds from %s", len(out), fs.Arg(0))
	if known > 0 {
		fmt.Fprintf(stdout, " (%d already in the config left out)", known)
	}
	if skipped > 0 {
		fmt.Fprintf(stdout, " (%d outlines without an http(s) feed URL skipped)", skipped)
	}
	fmt.Fprintln(stdout, "\n# Add them under `sources:` in the config, then `tributary check` and reload.")
	if len(out) == 0 {
		return 0
	}
	enc := yaml.NewEncoder(stdout)
	enc.SetIndent(2) // as config.example.yaml
	if err := enc.Encode(map[string][]source{"sources": out}); err != nil {
		fmt.Fprintf(stderr, "import-opml: %v\n", err)
		return 1
	}
	return 0
}
