package main

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// findBrowser returns a headless-capable Chromium, or "".
func findBrowser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// renderDOM loads u in headless Chromium and returns the DOM after load and
// the console messages it logged.
func renderDOM(t *testing.T, browser, u string) (dom string, console []string) {
	t.Helper()
	cmd := exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0", "--dump-dom", u)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.Output(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("chromium did not finish in 60 s")
	}
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") {
			console = append(console, line)
		}
	}
	return string(out), console
}

func TestPageInHeadlessChromium(t *testing.T) {
	browser := findBrowser()
	if browser == "" {
		t.Skip("no Chromium on this machine (Debian package chromium; .ci/run installs it)")
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	dir := t.TempDir()
	feed := func(name, title, items string) string {
		p := filepath.Join(dir, name)
		body := `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>` + title + `</title><link>https://` + name + `.example/</link><description>x</description>` + items + `</channel></rss>`
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	item := func(title, link, text string) string {
		return `<item><title>` + title + `</title><link>` + link + `</link><pubDate>Mon, 02 Mar 2026 08:00:00 +0000</pubDate><description>` + text + `</description></item>`
	}
	rivers := feed("rivers", "River Times",
		item("Salmon climb the new fish ladder", "https://rivers.example/ladder", "Salmon numbers at the mill weir rose as the new fish ladder opened.")+
			item("长江流域春汛提前到来", "https://rivers.example/cj", "今年长江流域的春汛比往年提前了两周，水利部门开始泄洪。"))
	anglers := feed("anglers", "Angler News",
		item("Anglers cheer salmon run at the weir", "https://anglers.example/run", "Anglers below the weir reported the best salmon run in years after the fish ladder opened.")+
			item("三峡水库开始泄洪", "https://anglers.example/sx", "长江流域春汛提前，三峡水库今日开始泄洪，水利部门要求下游做好准备。"))
	cfg := filepath.Join(dir, "config.yaml")
	writeConfig(t, cfg, "title: Browser Test\ndatabase: t.db\ncategories:\n  rules:\n    - category: 水利\n      any: [泄洪]\n    - category: Fish\n      any: [salmon]\n"+
		"sources:\n  - url: "+rivers+"\n    categories: [Rivers]\n  - url: "+anglers+"\n")
	d := startDaemon(t, buildBinary(t, t.TempDir()), cfg)
	d.waitForFeed("三峡水库开始泄洪")

	for _, path := range []string{"/", "/category/" + url.PathEscape("水利") + "/"} {
		dom, console := renderDOM(t, browser, "http://"+d.addr+path)
		if len(console) > 0 {
			t.Errorf("%s: console messages:\n%s", path, strings.Join(console, "\n"))
		}
		entries := regexp.MustCompile(`<article class="entry"`).FindAllString(dom, -1)
		related := regexp.MustCompile(`<section class="related"><h3>Related</h3><ul><li><a href="https://`).FindAllString(dom, -1)
		switch path {
		case "/":
			if len(entries) != 4 {
				t.Errorf("/: %d entries rendered, want 4", len(entries))
			}
			if len(related) < 2 {
				t.Errorf("/: %d entries with related links, want at least 2", len(related))
			}
			for _, want := range []string{`<html lang="en">`, `lang="zh"`, `href="category/`, `rel="alternate" type="application/atom+xml"`} {
				if !strings.Contains(dom, want) {
					t.Errorf("/: DOM lacks %s", want)
				}
			}
		default:
			if len(entries) != 2 || !strings.Contains(dom, "三峡水库开始泄洪") || strings.Contains(dom, "Salmon climb") {
				t.Errorf("%s: %d entries; want the two 水利 entries only", path, len(entries))
			}
			if len(related) < 1 {
				t.Errorf("%s: no related links", path)
			}
		}
	}
}
