package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Credentials and tokens in configured source URLs, and local paths, never
// reach an output, /healthz or the log.
func TestSecretsStayPrivate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	feed, err := os.ReadFile(feedPath(t, "rss.xml"))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, _ := r.BasicAuth(); u != "alice" || p != "hunter2" || r.URL.Query().Get("token") != "SECRET1" {
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed)
	}))
	defer ts.Close()
	host := strings.TrimPrefix(ts.URL, "http://")
	dir := t.TempDir()
	// A feed with no title, read from a file whose path says too much.
	secretDir := filepath.Join(dir, "private-dir-7q")
	os.MkdirAll(secretDir, 0o755)
	os.WriteFile(filepath.Join(secretDir, "untitled.xml"), []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title></title>`+
		`<item><guid>u1</guid><title>An untitled feed's story</title><link>https://site.example/u1</link></item></channel></rss>`), 0o644)
	bin := buildBinary(t, dir)
	cfg := filepath.Join(dir, "config.yaml")
	writeConfig(t, cfg, "database: t.db\nsources:\n"+
		"  - url: \"http://alice:hunter2@"+host+"/feed?token=SECRET1\"\n    allow_private: true\n"+
		"  - url: \"http://bob:SECRET2@"+host+"/down?key=SECRET3\"\n    allow_private: true\n"+
		"  - url: "+filepath.Join(secretDir, "untitled.xml")+"\n")
	// Its directory name is the secret here: the test's temp dir holds the
	// test's name, which says "Secrets" and nothing worse.
	d := startDaemon(t, bin, cfg)
	d.waitForFeed("Counting salmon at the weir")
	d.waitForFeed("An untitled feed")

	var seen strings.Builder
	for _, path := range []string{"/feed.atom", "/feed.rss", "/feed.json", "/", "/healthz", "/categories.json"} {
		code, body := d.get(path)
		if code != 200 {
			t.Errorf("%s: HTTP %d", path, code)
		}
		seen.WriteString(body)
	}
	_, health := d.get("/healthz")
	if !strings.Contains(health, "/down?key=REDACTED") || !strings.Contains(health, "401") {
		t.Errorf("/healthz does not name the failing source, redacted:\n%s", health)
	}
	outputs, log := seen.String(), d.logText()
	for _, secret := range []string{"hunter2", "SECRET1", "SECRET2", "SECRET3", "alice", "bob:"} {
		for where, text := range map[string]string{"an output": outputs, "the log": log} {
			if i := strings.Index(text, secret); i >= 0 {
				t.Errorf("%q appears in %s: …%s…", secret, where, text[max(0, i-200):min(len(text), i+100)])
			}
		}
	}
	// The operator's log may name a local file; what the server serves may not.
	if strings.Contains(outputs, secretDir) {
		t.Errorf("the local file's directory appears in an output")
	}
	if _, page := d.get("/"); !strings.Contains(page, "local feed") {
		t.Error("the untitled local source is not shown as \"local feed\"")
	}
}
