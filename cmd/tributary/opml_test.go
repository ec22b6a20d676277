package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tributary/tributary/config"
)

// import-opml prints a reader's OPML as config sources, leaving out what
// the config has; pasted into the config, they load.
func TestImportOPML(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "subs.opml")
	os.WriteFile(file, []byte(`<?xml version="1.0"?><opml version="2.0"><head/><body>
<outline text="Rivers"><outline text="Salmon: news" type="rss" xmlUrl="https://salmon.example/feed.xml"/>
<outline text="Known" type="rss" xmlUrl="https://known.example/feed"/></outline>
<outline text="Local" xmlUrl="file:///etc/passwd"/></body></opml>`), 0o644)
	cfg := filepath.Join(dir, "config.yaml")
	writeConfig(t, cfg, "sources:\n  - url: https://known.example/feed\n")
	var out, errOut bytes.Buffer
	if code := run([]string{"import-opml", "-config", cfg, file}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	text := out.String()
	if !strings.Contains(text, "# 1 feeds from") || !strings.Contains(text, "1 already in the config left out") || !strings.Contains(text, "1 outlines without an http(s) feed URL skipped") {
		t.Errorf("summary:\n%s", text)
	}
	// The printed sources, after the config's own, make a valid config.
	merged := filepath.Join(dir, "merged.yaml")
	body := text[strings.Index(text, "sources:\n")+len("sources:\n"):]
	writeConfig(t, merged, "sources:\n  - url: https://known.example/feed\n"+body)
	c, err := config.Load(merged)
	if err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if len(c.Sources) != 2 || c.Sources[1].URL != "https://salmon.example/feed.xml" || c.Sources[1].Name != "Salmon: news" ||
		len(c.Sources[1].Categories) != 1 || c.Sources[1].Categories[0] != "Rivers" {
		t.Errorf("merged sources: %+v", c.Sources)
	}
}
