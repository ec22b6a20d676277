package main

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestDaemonLogger(t *testing.T) {
	tests := []struct {
		name string
		opts logOptions
		want []string // one per line logged, in order
	}{
		{"journal text", logOptions{level: "debug", format: "text", journal: true}, []string{
			`<7>level=DEBUG msg=d`, `<6>level=INFO msg=i k=v`, `<4>level=WARN msg=w`, `<3>level=ERROR msg=e`}},
		{"journal json, warn and up", logOptions{level: "warn", format: "json", journal: true}, []string{
			`<4>{"level":"WARN","msg":"w"}`, `<3>{"level":"ERROR","msg":"e"}`}},
		{"terminal text", logOptions{level: "info", format: "text"}, []string{
			`level=INFO msg=i k=v`, `level=WARN msg=w`, `level=ERROR msg=e`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			log, _ := newDaemonLogger(&buf, tt.opts)
			log.Debug("d")
			log.Info("i", "k", "v")
			log.Warn("w")
			log.Error("e")
			lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("logged %d lines, want %d:\n%s", len(lines), len(tt.want), buf.String())
			}
			for i, line := range lines {
				got := line
				if !tt.opts.journal {
					// A terminal's lines carry their time first.
					if !strings.HasPrefix(line, "time=") {
						t.Errorf("line %q has no time", line)
					}
					got = line[strings.Index(line, " ")+1:]
				}
				if got != tt.want[i] {
					t.Errorf("line %d = %q, want %q", i, got, tt.want[i])
				}
				if tt.opts.format == "json" && !json.Valid([]byte(line[3:])) {
					t.Errorf("line %q is not JSON after its priority", line)
				}
			}
		})
	}
}

func TestUserAgent(t *testing.T) {
	ua := userAgent()
	if !regexp.MustCompile(`^Tributary/\S+ \(\+https://github\.com/tributary/tributary\)$`).MatchString(ua) {
		t.Errorf("User-Agent %q does not name Tributary, its version and the project", ua)
	}
}
