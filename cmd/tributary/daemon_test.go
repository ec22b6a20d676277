package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// daemon is a tributary binary running `run` in a child process.
type daemon struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string

	mu   sync.Mutex
	log  strings.Builder
	done chan struct{}
}

// buildBinary compiles the command into dir.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "tributary")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startDaemon runs `bin run` on cfg, listening on a free loopback port,
// with env added to the test's environment.
func startDaemon(t *testing.T, bin, cfg string, env ...string) *daemon {
	t.Helper()
	d := &daemon{t: t, done: make(chan struct{})}
	d.cmd = exec.Command(bin, "run", "-config", cfg, "-listen", "127.0.0.1:0")
	d.cmd.Env = append(os.Environ(), env...)
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		d.cmd.Process.Kill()
		<-d.done
	})
	go d.readLog(stderr)
	m := d.waitFor(regexp.MustCompile(`msg=serving addr=(\S+)`))
	d.addr = m[1]
	return d
}

func (d *daemon) readLog(r io.Reader) {
	defer close(d.done)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		d.mu.Lock()
		d.log.WriteString(sc.Text() + "\n")
		d.mu.Unlock()
	}
}

// waitFor waits until the daemon's log matches re, and returns the match.
func (d *daemon) waitFor(re *regexp.Regexp) []string {
	d.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		d.mu.Lock()
		m := re.FindStringSubmatch(d.log.String())
		d.mu.Unlock()
		if m != nil {
			return m
		}
		time.Sleep(20 * time.Millisecond)
	}
	d.t.Fatalf("daemon never logged %s; log:\n%s", re, d.logText())
	return nil
}

func (d *daemon) logText() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.log.String()
}

func (d *daemon) get(path string) (int, string) {
	d.t.Helper()
	resp, err := http.Get("http://" + d.addr + path)
	if err != nil {
		d.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitForFeed waits until the merged Atom feed contains want.
func (d *daemon) waitForFeed(want string) {
	d.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if code, body := d.get("/feed.atom"); code == 200 && strings.Contains(body, want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, body := d.get("/feed.atom")
	d.t.Fatalf("feed never contained %q:\n%s\nlog:\n%s", want, body, d.logText())
}

// startRSSDaemon builds the binary into a new directory and runs it on a
// config there (database t.db) that polls testdata's rss.xml, once the feed
// is served. It skips in -short mode.
func startRSSDaemon(t *testing.T) (d *daemon, dir, bin, cfg string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir = t.TempDir()
	bin = buildBinary(t, dir)
	cfg = filepath.Join(dir, "config.yaml")
	writeConfig(t, cfg, "database: t.db\nsources:\n  - url: "+feedPath(t, "rss.xml")+"\n")
	d = startDaemon(t, bin, cfg)
	d.waitForFeed("Counting salmon at the weir")
	return d, dir, bin, cfg
}

func TestDaemonReloadsOnSIGHUPAndKeepsServingOnBadConfig(t *testing.T) {
	d, dir, _, cfg := startRSSDaemon(t)

	// A bad config is refused, with its line, and the daemon keeps serving.
	writeConfig(t, cfg, "database: t.db\nsources:\n  - url: "+feedPath(t, "rss.xml")+"\n    colour: red\n")
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.waitFor(regexp.MustCompile("reload refused.*config.yaml:4: unknown key `colour` in sources\\[0\\]"))
	if code, body := d.get("/feed.atom"); code != 200 || !strings.Contains(body, "Counting salmon at the weir") {
		t.Fatalf("after a bad reload: %d\n%s", code, body)
	}
	if code, _ := d.get("/healthz"); code != 200 {
		t.Errorf("healthz after a bad reload: %d", code)
	}

	// A good config is applied: its new source is polled and published.
	writeConfig(t, cfg, "database: t.db\nsources:\n  - url: "+feedPath(t, "rss.xml")+"\n  - url: "+feedPath(t, "gb2312.xml")+"\n")
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.waitFor(regexp.MustCompile(`config reloaded`))
	d.waitForFeed("三峡水库开始泄洪")

	// SIGTERM stops it cleanly and leaves a database that opens again.
	d.cmd.Process.Signal(syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	exited := make(chan error, 1)
	go func() { exited <- d.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, d.logText())
		}
	case <-ctx.Done():
		t.Fatal("daemon did not stop after SIGTERM")
	}
	if _, err := os.Stat(filepath.Join(dir, "t.db-wal")); err == nil {
		// The WAL is checkpointed and removed when the last connection closes.
		t.Errorf("database left a WAL file behind: not closed cleanly")
	}
}
