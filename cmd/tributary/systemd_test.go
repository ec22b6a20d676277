package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// notifySocket listens where a service manager would (NOTIFY_SOCKET) and
// collects the messages sent to it.
type notifySocket struct {
	path     string
	messages chan string
}

func listenNotify(t *testing.T, dir string) *notifySocket {
	t.Helper()
	path := filepath.Join(dir, "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	n := &notifySocket{path: path, messages: make(chan string, 1000)}
	go func() {
		buf := make([]byte, 4096)
		for {
			k, err := conn.Read(buf)
			if err != nil {
				return
			}
			n.messages <- string(buf[:k])
		}
	}()
	return n
}

// expect waits for a message matching re, and returns it.
func (n *notifySocket) expect(t *testing.T, re string) string {
	t.Helper()
	pattern := regexp.MustCompile(re)
	timeout := time.After(20 * time.Second)
	for {
		select {
		case m := <-n.messages:
			if pattern.MatchString(m) {
				return m
			}
		case <-timeout:
			t.Fatalf("no notify message matching %q", re)
			return ""
		}
	}
}

// The daemon speaks systemd's notify protocol: ready once it serves,
// status lines after each cycle, watchdog pings while it works, reloading
// then ready on a reload (refused or not), stopping on SIGTERM; and
// `tributary reload` fails when the daemon refuses the new config.
func TestSystemdNotify(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	cfg := filepath.Join(dir, "config.yaml")
	writeConfig(t, cfg, "database: t.db\nsources:\n  - url: "+feedPath(t, "rss.xml")+"\n")
	sock := listenNotify(t, dir)
	d := startDaemon(t, bin, cfg, "NOTIFY_SOCKET="+sock.path, "WATCHDOG_USEC=300000", "JOURNAL_STREAM=8:12345")

	sock.expect(t, `(?m)^READY=1$`)
	sock.expect(t, `STATUS=polling 1 sources, 0 failing; last cycle .*: 1 updated`)
	sock.expect(t, `^WATCHDOG=1$`)
	sock.expect(t, `^WATCHDOG=1$`)

	reload := func() (int, string) {
		cmd := exec.Command(bin, "reload", "-config", cfg, "-db", filepath.Join(dir, "t.db"))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), out.String()
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, out.String()
	}

	writeConfig(t, cfg, "database: t.db\nsources:\n  - url: "+feedPath(t, "rss.xml")+"\n  - url: "+feedPath(t, "gb2312.xml")+"\n")
	if code, out := reload(); code != 0 {
		t.Fatalf("reload of a good config: exit %d\n%s\nlog:\n%s", code, out, d.logText())
	}
	sock.expect(t, `(?m)^RELOADING=1\nMONOTONIC_USEC=[1-9][0-9]*$`)
	sock.expect(t, `(?m)^READY=1\nSTATUS=config reloaded; polling 2 sources$`)
	d.waitForFeed("三峡水库开始泄洪")

	writeConfig(t, cfg, "database: t.db\nsources:\n  - url: "+feedPath(t, "rss.xml")+"\n    colour: red\n")
	code, out := reload()
	if code != 1 || !strings.Contains(out, "config.yaml:4: unknown key `colour`") {
		t.Fatalf("reload of a bad config: exit %d, want 1 naming config.yaml:4\n%s", code, out)
	}
	sock.expect(t, `^RELOADING=1`)
	sock.expect(t, `(?m)^READY=1\nSTATUS=reload refused, running the previous config: .*config.yaml:4`)
	d.waitForFeed("三峡水库开始泄洪") // still serving the previous config's entries

	d.cmd.Process.Signal(syscall.SIGTERM)
	sock.expect(t, `(?m)^STOPPING=1$`)

	// For the journal, lines carry their syslog priority and no time.
	log := d.logText()
	for _, re := range []string{`(?m)^<6>level=INFO msg="tributary starting" version=\S+ pid=\d+$`,
		"(?m)^<3>level=ERROR msg=\"reload refused, keeping the running config\""} {
		if !regexp.MustCompile(re).MatchString(log) {
			t.Errorf("no log line matches %s:\n%s", re, log)
		}
	}
	if regexp.MustCompile(`(?m)^(time=|[^<])`).MatchString(log) {
		t.Errorf("a line without a priority, or with a time:\n%s", log)
	}
}

// The watchdog is fed only while the daemon says it is alive.
func TestWatchdogStopsWhenNotAlive(t *testing.T) {
	sock := listenNotify(t, t.TempDir())
	t.Setenv("NOTIFY_SOCKET", sock.path)
	m := &serviceManager{log: slog.New(slog.NewTextHandler(io.Discard, nil)), watchdog: 40 * time.Millisecond}
	var stuck atomic.Bool
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.keepAlive(ctx, func(context.Context) error {
		if stuck.Load() {
			return errors.New("the scheduler does not answer")
		}
		return nil
	})
	sock.expect(t, `^WATCHDOG=1$`)
	stuck.Store(true)
	time.Sleep(60 * time.Millisecond) // a ping under way may still arrive
	for len(sock.messages) > 0 {
		<-sock.messages
	}
	select {
	case msg := <-sock.messages:
		t.Errorf("watchdog fed while not alive: %q", msg)
	case <-time.After(300 * time.Millisecond):
	}
}
