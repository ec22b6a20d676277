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
		{"unknown key", "title: x\nbogus: 1\nsources:\n  - url: https://a.example/f\n", []string{"2: unknown key `bogus` (known keys: base_url, block,"}},
		{"unknown source key", "sources:\n  - url: https://a.example/f\n    colour: red\n", []string{"3: unknown key `colour` in sources[0]"}},
		{"wrong type", "items_per_feed: many\nsources:\n  - url: https://a.example/f\n", []string{"1: items_per_feed: expected a whole number, got \"many\""}},
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
		{"tab", "title: x\nsources:\n\t- url: https://a.example/f\n", []string{"3: tabs are not allowed for indentation"}},
		{"tab in a mapping", "title: x\n\tlisten: \":1\"\n", []string{"2: tabs are not allowed for indentation"}},
		{"syntax", "title: [x\nsources: []\n", []string{"1: YAML syntax: did not find expected ',' or ']'"}},
		{"several at once, sorted", "bogus: 1\nschedule: nope\nsources:\n  - url: ftp://x/\nretension: 30d\n", []string{"1: unknown key `bogus`", "2: schedule:", "4: source url", "5: unknown key `retension` (did you mean `retention`?)"}},
		// Mistakes that once passed check and then failed or misbehaved.
		{"typo in a nested key", "fetch:\n  max_redirect: 2\nsources:\n  - url: https://a.example/f\n", []string{"2: unknown key `max_redirect` in fetch (did you mean `max_redirects`?)"}},
		{"string for a list", "sources:\n  - url: https://a.example/f\n    categories: tech\n", []string{"3: sources[0].categories: expected a list, got the text \"tech\""}},
		{"list for a string", "title: [a, b]\nsources:\n  - url: https://a.example/f\n", []string{"1: title: expected a single value, got a list"}},
		{"sources as a mapping", "sources:\n  url: https://a.example/f\n", []string{"2: sources: expected a list, got a mapping", "1: sources: at least one source"}},
		{"not a bool", "sources:\n  - url: https://a.example/f\n    allow_private: sometimes\n", []string{"3: sources[0].allow_private: expected true or false"}},
		{"key given twice", "title: a\ntitle: b\nsources:\n  - url: https://a.example/f\n", []string{"2: `title` is given twice (first on line 1)"}},
		{"no scheme", "sources:\n  - url: blog.example.com/feed.xml\n", []string{"2: source url \"blog.example.com/feed.xml\": has no scheme: write https://blog.example.com/feed.xml"}},
		{"trailing space in a URL", "sources:\n  - url: \"https://a.example/f \"\n", []string{"2: source url \"https://a.example/f%20\" contains white space"}},
		{"port out of range", "listen: 127.0.0.1:99999\nsources:\n  - url: https://a.example/f\n", []string{"1: listen \"127.0.0.1:99999\": port \"99999\" must be a number from 0 to 65535"}},
		{"port without host part", "listen: 16094\nsources:\n  - url: https://a.example/f\n", []string{"1: listen \"16094\": must be host:port"}},
		{"zero interval", "schedule: \"@every 0s\"\nsources:\n  - url: https://a.example/f\n", []string{"1: schedule: invalid cron spec \"@every 0s\": the interval must be positive"}},
		{"negative interval", "sources:\n  - url: https://a.example/f\n    schedule: \"@every -5m\"\n", []string{"3: schedule: invalid cron spec \"@every -5m\": the interval must be positive"}},
		{"too often", "schedule: \"@every 10s\"\nsources:\n  - url: https://a.example/f\n", []string{"1: schedule \"@every 10s\" polls more often than once a minute"}},
		{"negative duration", "retention: -5d\nsources:\n  - url: https://a.example/f\n", []string{"1: invalid duration \"-5d\""}},
		{"related window zero", "related:\n  window: 0s\nsources:\n  - url: https://a.example/f\n", []string{"2: related.window must be positive"}},
		{"source ids", "sources:\n  - url: https://a.example/f\n    id: rivers\n  - url: https://b.example/f\n    id: rivers\n  - url: https://c.example/f\n    id: \"a b\"\n", []string{"5: duplicate source id \"rivers\" (first on line 3)", "7: id \"a b\": use letters"}},
		{"interval and schedule", "sources:\n  - url: https://a.example/f\n    schedule: \"@hourly\"\n    interval: 30m\n  - url: https://b.example/f\n    interval: 10s\n", []string{"4: a source takes interval or schedule, not both", "6: interval must be at least 1m0s"}},
		{"log level", "log:\n  level: loud\n  format: xml\nsources:\n  - url: https://a.example/f\n", []string{"2: log.level must be one of debug, info, warn, error, not \"loud\"", "3: log.format must be one of text, json"}},
		{"empty file", "", []string{"the file is empty"}},
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
				if !strings.Contains(msg, "conf.yaml:"+w) && !strings.Contains(msg, "conf.yaml: "+w) {
					t.Errorf("error %q does not contain %q", msg, "conf.yaml:"+w)
				}
			}
			for i := 1; i < len(cerr.Problems); i++ {
				if cerr.Problems[i].Line < cerr.Problems[i-1].Line {
					t.Errorf("problems not sorted by line:\n%s", msg)
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
	// Values are substituted after parsing: " #", quotes and colons in a
	// value stay in it, and $${ writes a literal ${.
	t.Setenv("TRIB_TEST_TRICKY", `pa"ss # word: x`)
	cfg, err = Parse("c.yaml", []byte("title: ${TRIB_TEST_TRICKY}\nlanguage: \"$${TRIB_TEST_TITLE}\"\nsources:\n  - url: https://a.example/f\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Title != `pa"ss # word: x` || cfg.Language != "${TRIB_TEST_TITLE}" {
		t.Errorf("Title = %q, Language = %q", cfg.Title, cfg.Language)
	}
	// A plain value is typed after substitution.
	t.Setenv("TRIB_TEST_WORKERS", "3")
	cfg, err = Parse("c.yaml", []byte("fetch:\n  workers: ${TRIB_TEST_WORKERS}\n  per_host: 1\nsources:\n  - url: https://a.example/f\n"))
	if err != nil || cfg.Fetch.Workers != 3 {
		t.Errorf("workers from the environment: %v, %+v", err, cfg)
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

func TestSourceIntervalIsItsSchedule(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte("sources:\n  - url: https://a.example/f\n    interval: 30m\n  - url: https://b.example/f\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.SourceSchedule(cfg.Sources[0]); got != "@every 30m0s" {
		t.Errorf("schedule of a source with interval 30m: %q", got)
	}
	if got := cfg.SourceSchedule(cfg.Sources[1]); got != DefaultSchedule {
		t.Errorf("schedule of a source without: %q", got)
	}
}
