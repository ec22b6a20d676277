package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseDefaults(t *testing.T) {
	cfg, err := Parse("/etc/tributary/config.yaml", []byte("sources:\n  - url: https://example.org/feed.xml\n  - url: feeds/local.xml\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Title != DefaultTitle || cfg.Listen != DefaultListen || cfg.Schedule != DefaultSchedule ||
		cfg.ItemsPerFeed != DefaultItemsPerFeed || cfg.FutureDates != FutureClamp {
		t.Errorf("defaults not filled in: %+v", cfg)
	}
	if cfg.BaseURL != "http://127.0.0.1:8080/" {
		t.Errorf("BaseURL = %q", cfg.BaseURL)
	}
	if cfg.Database != "/etc/tributary/tributary.db" {
		t.Errorf("Database = %q, want it next to the config file", cfg.Database)
	}
	if cfg.Fetch.Timeout.Std() != DefaultTimeout || cfg.Fetch.MaxBodyBytes != DefaultMaxBodyBytes {
		t.Errorf("fetch defaults not filled in: %+v", cfg.Fetch)
	}
	if got := cfg.Sources[1].Location; got != "file:///etc/tributary/feeds/local.xml" {
		t.Errorf("local source Location = %q", got)
	}
	if got := cfg.Sources[0].Location; got != "https://example.org/feed.xml" {
		t.Errorf("http source Location = %q", got)
	}
}

func TestParseErrorsHaveLines(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // "line: substring"
	}{
		{"unknown key", "title: x\nbogus: 1\nsources:\n  - url: https://a.example/f\n", []string{"2: field bogus not found"}},
		{"unknown source key", "sources:\n  - url: https://a.example/f\n    colour: red\n", []string{"3: field colour not found"}},
		{"wrong type", "items_per_feed: many\nsources:\n  - url: https://a.example/f\n", []string{"1: cannot unmarshal"}},
		{"missing sources", "title: x\n", []string{"1: sources: at least one source"}},
		{"bad cron", "schedule: \"61 * * * *\"\nsources:\n  - url: https://a.example/f\n", []string{"1: schedule: invalid cron spec"}},
		{"panicking cron", "sources:\n  - url: https://a.example/f\n    schedule: \"CRON_TZ=Nowhere/Land\"\n", []string{"3: schedule: invalid cron spec"}},
		{"bad duration", "fetch:\n  timeout: soon\nsources:\n  - url: https://a.example/f\n", []string{"2: invalid duration \"soon\""}},
		{"duplicate", "sources:\n  - url: https://a.example/f\n  - url: https://a.example/f\n", []string{"3: duplicate source"}},
		{"bad scheme", "sources:\n  - url: ftp://a.example/f\n", []string{"2: source url \"ftp://a.example/f\": scheme \"ftp\" is not allowed"}},
		{"javascript scheme", "sources:\n  - url: \"javascript:alert(1)\"\n", []string{"2: source url"}},
		{"no url", "sources:\n  - name: nameless\n", []string{"2: source 1 has no url"}},
		{"bad timezone", "timezone: Mars/Olympus\nsources:\n  - url: https://a.example/f\n", []string{"1: unknown timezone"}},
		{"bad encoding", "sources:\n  - url: https://a.example/f\n    encoding: klingon\n", []string{"3: unknown encoding"}},
		{"bad policy", "future_dates: later\nsources:\n  - url: https://a.example/f\n", []string{"1: future_dates must be"}},
		{"syntax", "title: x\nsources:\n\t- url: https://a.example/f\n", []string{"3: found character that cannot start any token"}},
		{"several at once", "bogus: 1\nschedule: nope\nsources:\n  - url: ftp://x/\n", []string{"1: field bogus", "2: schedule:", "4: source url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("conf.yaml", []byte(tt.yaml))
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("want *Error, got %v", err)
			}
			msg := cerr.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, "conf.yaml:"+w) {
					t.Errorf("error %q does not contain %q", msg, "conf.yaml:"+w)
				}
			}
			if len(cerr.Problems) != len(tt.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(cerr.Problems), len(tt.want), msg)
			}
		})
	}
}

func TestEnvExpansion(t *testing.T) {
	t.Setenv("TRIB_TEST_TITLE", "From Env")
	cfg, err := Parse("c.yaml", []byte("title: ${TRIB_TEST_TITLE}\nsources:\n  - url: https://a.example/f\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Title != "From Env" {
		t.Errorf("Title = %q", cfg.Title)
	}
	cfg, err = Parse("c.yaml", []byte("# ${NOT_EXPANDED} in a comment\ntitle: \"a # ${TRIB_TEST_TITLE}\" # ${NOR_HERE}\nsources:\n  - url: https://a.example/f\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Title != "a # From Env" {
		t.Errorf("Title = %q", cfg.Title)
	}
	_, err = Parse("c.yaml", []byte("sources:\n  - url: https://a.example/f\ntitle: ${TRIB_TEST_UNSET_VAR}\n"))
	if err == nil || !strings.Contains(err.Error(), "c.yaml:3: environment variable TRIB_TEST_UNSET_VAR is not set") {
		t.Errorf("unset variable: err = %v", err)
	}
}

func TestParseScheduleLocation(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseSchedule("0 9 * * *", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // 08:00 in Shanghai
	if got, want := s.Next(from), time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Next = %v, want %v (09:00 Shanghai)", got, want)
	}
}

func TestExampleConfigIsValid(t *testing.T) {
	path := filepath.Join("..", "config.example.yaml")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("config.example.yaml missing: %v", err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatalf("config.example.yaml is invalid:\n%v", err)
	}
	for _, s := range cfg.Sources {
		if !strings.HasPrefix(s.Location, "file://") && !strings.Contains(s.Location, "127.0.0.1") {
			t.Errorf("example source %q is not local: the example must work offline", s.URL)
		}
	}
}

func TestIssue3Keys(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(`timezone: Asia/Tokyo
future_dates: hold
retention: 30d
keep_per_source: 5
dedup:
  window: 48h
sources:
  - url: https://a.example/f
    timezone: Asia/Shanghai
    future_dates: keep
  - url: https://b.example/f
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Retention.Std() != 30*24*time.Hour || cfg.KeepPerSource != 5 || cfg.Dedup.Window.Std() != 48*time.Hour {
		t.Errorf("retention %v, keep %d, dedup window %v", cfg.Retention, cfg.KeepPerSource, cfg.Dedup.Window)
	}
	if cfg.Sources[0].Zone.String() != "Asia/Shanghai" || cfg.Sources[1].Zone.String() != "Asia/Tokyo" {
		t.Errorf("zones %v, %v", cfg.Sources[0].Zone, cfg.Sources[1].Zone)
	}
	if cfg.SourceFutureDates(cfg.Sources[0]) != FutureKeep || cfg.SourceFutureDates(cfg.Sources[1]) != FutureHold {
		t.Error("future_dates not resolved per source")
	}
	defaults, _ := Parse("c.yaml", []byte("sources:\n  - url: https://a.example/f\n"))
	if defaults.Retention.Std() != DefaultRetention || defaults.KeepPerSource != DefaultKeep || defaults.Dedup.Window.Std() != DefaultDedupWindow {
		t.Errorf("defaults: %+v", defaults)
	}
	_, err = Parse("c.yaml", []byte("dedup:\n  window: soon\nsources:\n  - url: https://a.example/f\n    timezone: Nowhere/Else\n"))
	if err == nil || !strings.Contains(err.Error(), "c.yaml:2: invalid duration") || !strings.Contains(err.Error(), "c.yaml:5: unknown timezone") {
		t.Errorf("err = %v", err)
	}
}
