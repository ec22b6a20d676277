package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
)

// logOptions say how the daemon logs: level (debug, info, warn, error),
// format (text, json), and whether lines go to the systemd journal.
type logOptions struct {
	level, format string
	journal       bool
}

// underJournal reports whether stderr is connected to the systemd journal
// (systemd sets JOURNAL_STREAM for a service whose output goes there).
func underJournal() bool { return os.Getenv("JOURNAL_STREAM") != "" }

// newDaemonLogger returns the daemon's logger. For the journal, each line
// starts with its syslog priority ("<4>" for a warning), so that
// `journalctl -p warning` finds warnings and errors, and carries no time
// of its own: the journal stamps every line.
// The level can be changed later through the returned LevelVar (a reload).
func newDaemonLogger(w io.Writer, o logOptions) (*slog.Logger, *slog.LevelVar) {
	level := new(slog.LevelVar)
	setLevel(level, o.level)
	opts := &slog.HandlerOptions{Level: level}
	if o.journal {
		opts.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		}
		pw := &priorityWriter{w: w}
		var h slog.Handler = slog.NewTextHandler(pw, opts)
		if o.format == "json" {
			h = slog.NewJSONHandler(pw, opts)
		}
		return slog.New(&journalHandler{inner: h, out: pw}), level
	}
	if o.format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), level
	}
	return slog.New(slog.NewTextHandler(w, opts)), level
}

// setLevel sets v to the level named name (debug, info, warn, error).
func setLevel(v *slog.LevelVar, name string) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(name)); err != nil {
		l = slog.LevelInfo
	}
	v.Set(l)
}

// priorityWriter writes each log line with the priority prefix its
// handler set; one line at a time.
type priorityWriter struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
}

func (p *priorityWriter) Write(b []byte) (int, error) {
	// Called with p.mu held by journalHandler.Handle.
	if _, err := io.WriteString(p.w, p.prefix); err != nil {
		return 0, err
	}
	return p.w.Write(b)
}

// journalHandler sets the syslog priority of each record before its inner
// handler writes the line.
type journalHandler struct {
	inner slog.Handler
	out   *priorityWriter
}

func (h *journalHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *journalHandler) Handle(ctx context.Context, r slog.Record) error {
	h.out.mu.Lock()
	defer h.out.mu.Unlock()
	h.out.prefix = syslogPriority(r.Level)
	return h.inner.Handle(ctx, r)
}

func (h *journalHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &journalHandler{inner: h.inner.WithAttrs(attrs), out: h.out}
}

func (h *journalHandler) WithGroup(name string) slog.Handler {
	return &journalHandler{inner: h.inner.WithGroup(name), out: h.out}
}

// syslogPriority is the sd-daemon(3) prefix of a level.
func syslogPriority(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "<3>"
	case l >= slog.LevelWarn:
		return "<4>"
	case l >= slog.LevelInfo:
		return "<6>"
	default:
		return "<7>"
	}
}

// buildVersion is the version the binary was built as: the module version
// when installed with `go install`, else the version constant, with the
// VCS revision when the build recorded one.
func buildVersion() string {
	v := version
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if mv := info.Main.Version; mv != "" && mv != "(devel)" {
		v = mv
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += "+" + s.Value[:12]
		}
	}
	return v
}
