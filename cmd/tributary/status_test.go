package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"testing"
)

// `tributary status` prints every source's state from the database: exit
// 3 while one fails, and the same report as JSON with -json.
func TestStatusCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	missing := filepath.Join(dir, "gone.xml")
	writeConfig(t, cfg, "database: t.db\nsources:\n  - url: "+feedPath(t, "rss.xml")+"\n    name: Salmon news\n  - url: "+missing+"\n    name: Gone feed\n")
	var out, errOut bytes.Buffer
	if code := run([]string{"fetch", "-config", cfg}, &out, &errOut); code != 2 {
		t.Fatalf("fetch: exit %d, want 2 (one source fails)\n%s%s", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := run([]string{"status", "-config", cfg}, &out, &errOut); code != 3 {
		t.Fatalf("status: exit %d, want 3\n%s%s", code, out.String(), errOut.String())
	}
	for _, re := range []string{
		`(?m)^SOURCE\s+STATE\s+LAST SUCCESS\s+NEXT POLL\s+ENTRIES\s+LAST ERROR / WAITING$`,
		`(?m)^Salmon news\s+ok\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\S+ \S+\s+3\s*$`,
		`(?m)^Gone feed\s+backing_off \(1×\)\s+-\s+\S+ \S+\s+0\s+.*no such file.*; back-off after a failure, until `,
	} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("status output does not match %s:\n%s", re, out.String())
		}
	}
	out.Reset()
	run([]string{"status", "-config", cfg, "-json"}, &out, &errOut)
	var report []struct {
		Name, State string
		Entries     int
	}
	if err := json.Unmarshal(out.Bytes(), &report); err != nil || len(report) != 2 {
		t.Fatalf("status -json: %v\n%s", err, out.String())
	}
}
