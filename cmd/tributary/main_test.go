package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// feedPath is the absolute path of a testdata feed.
func feedPath(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "testdata", "feeds", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func writeConfig(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCheckCommand(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	writeConfig(t, good, "sources:\n  - url: "+feedPath(t, "rss.xml")+"\n")
	var out, errOut bytes.Buffer
	if code := run([]string{"check", "-config", good}, &out, &errOut); code != 0 {
		t.Errorf("check good config: exit %d, %s", code, errOut.String())
	}

	bad := filepath.Join(dir, "bad.yaml")
	writeConfig(t, bad, "title: x\ncolour: blue\nschedule: \"every day\"\nsources:\n  - url: gopher://old.example/\n")
	out.Reset()
	errOut.Reset()
	if code := run([]string{"check", "-config", bad}, &out, &errOut); code != 1 {
		t.Errorf("check bad config: exit %d, want 1", code)
	}
	for _, want := range []string{bad + ":2: unknown key `colour`", bad + ":3: schedule: invalid cron spec", bad + ":5: source url"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, errOut.String())
		}
	}
}

func TestFetchCommand(t *testing.T) {
	dir := t.TempDir()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 503) }))
	defer broken.Close()
	cfg := filepath.Join(dir, "c.yaml")
	writeConfig(t, cfg, "database: t.db\nsources:\n  - url: "+feedPath(t, "rss.xml")+"\n  - url: "+feedPath(t, "atom.xml")+"\n")

	var out, errOut bytes.Buffer
	if code := run([]string{"fetch", "-config", cfg}, &out, &errOut); code != 0 {
		t.Fatalf("fetch: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if lines := strings.Count(out.String(), "\n"); lines != 2 || !strings.Contains(out.String(), "3 new") {
		t.Errorf("fetch output:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "t.db")); err != nil {
		t.Errorf("database not created next to the config: %v", err)
	}

	writeConfig(t, cfg, "database: t.db\nsources:\n  - url: "+feedPath(t, "rss.xml")+"\n  - url: "+broken.URL+"/feed\n    allow_private: true\n")
	out.Reset()
	if code := run([]string{"fetch", "-config", cfg}, &out, &errOut); code != 2 {
		t.Errorf("fetch with a failing source: exit %d, want 2", code)
	}
	if !strings.Contains(out.String(), "FAIL "+broken.URL+"/feed: ") || !strings.Contains(out.String(), "HTTP 503") {
		t.Errorf("failing source not listed:\n%s", out.String())
	}

	out.Reset()
	if code := run([]string{"fetch", "-config", cfg, feedPath(t, "rss.xml")}, &out, &errOut); code != 0 || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("fetch of one named source: exit %d\n%s", code, out.String())
	}

	writeConfig(t, cfg, "sources: [\n")
	if code := run([]string{"fetch", "-config", cfg}, &out, &errOut); code != 1 {
		t.Errorf("fetch with a bad config: exit %d, want 1", code)
	}
}

func TestVersionCommand(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"version"}, &out, &out); code != 0 || !strings.HasPrefix(out.String(), "tributary ") {
		t.Errorf("version: exit %d, %q", code, out.String())
	}
}

func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	writeConfig(t, cfg, "database: t.db\ncategories:\n  rules:\n    - category: 中文\n      any: [长江]\nsources:\n  - url: "+feedPath(t, "rss.xml")+"\n    categories: [Rivers]\n  - url: "+feedPath(t, "gb2312.xml")+"\n")
	var out, errOut bytes.Buffer
	if code := run([]string{"fetch", "-config", cfg}, &out, &errOut); code != 0 {
		t.Fatalf("fetch: %d %s", code, errOut.String())
	}
	site := filepath.Join(dir, "site")
	if code := run([]string{"export", "-config", cfg, "-out", site}, &out, &errOut); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut.String())
	}
	for _, name := range []string{"index.html", "style.css", "feed.atom", "feed.rss", "feed.json", "categories.json",
		"category/rivers.atom", "category/rivers/index.html", "category/中文.json", "category/中文/index.html"} {
		b, err := os.ReadFile(filepath.Join(site, name))
		if err != nil || len(b) == 0 {
			t.Errorf("%s not written: %v", name, err)
		}
	}
	page, _ := os.ReadFile(filepath.Join(site, "category", "中文", "index.html"))
	if !strings.Contains(string(page), "长江流域春汛提前到来") || !strings.Contains(string(page), `href="../../style.css"`) {
		t.Errorf("category page:\n%s", page)
	}
	// A static server serving the directory answers the daemon's paths.
	srv := httptest.NewServer(http.FileServer(http.Dir(site)))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/category/" + url.PathEscape("中文") + "/")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("static server: %v %v", resp, err)
	}
}
