package config

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every setting with a default: an absent key takes the default, and a key
// written as 0 (or false) is 0 when 0 means something, or is refused with
// the reason, never silently replaced by the default.
func TestAbsentKeysTakeDefaultsAndZerosStay(t *testing.T) {
	const src = "sources:\n  - url: https://a.example/f\n"
	tests := []struct {
		key     string // dotted path, as in Keys()
		zero    string // YAML of the key set to its zero
		get     func(*Config) any
		def     any
		zeroErr string // non-empty: 0 is refused with this message
	}{
		{"items_per_feed", "items_per_feed: 0", func(c *Config) any { return c.ItemsPerFeed }, DefaultItemsPerFeed, "items_per_feed must be between 1 and 1000"},
		{"retention", "retention: 0d", func(c *Config) any { return c.Retention.Std() }, DefaultRetention, ""},
		{"keep_per_source", "keep_per_source: 0", func(c *Config) any { return c.KeepPerSource }, DefaultKeep, ""},
		{"max_per_source", "max_per_source: 0", func(c *Config) any { return c.MaxPerSource }, DefaultMaxPerSource, "max_per_source must be at least 1"},
		{"dedup.window", "dedup:\n  window: 0s", func(c *Config) any { return c.Dedup.Window.Std() }, DefaultDedupWindow, ""},
		{"related.max", "related:\n  max: 0", func(c *Config) any { return c.Related.Max }, DefaultRelatedMax, ""},
		{"related.window", "related:\n  window: 0s", func(c *Config) any { return c.Related.Window.Std() }, DefaultRelatedWindow, "related.window must be positive"},
		{"related.in_content", "related:\n  in_content: false", func(c *Config) any { return c.Related.ShowInContent() }, true, ""},
		{"related.index_entries", "related:\n  index_entries: 0", func(c *Config) any { return c.Related.IndexEntries }, DefaultRelatedIndex, "related.index_entries must be between 100"},
		{"related.index_terms", "related:\n  index_terms: 0", func(c *Config) any { return c.Related.IndexTerms }, DefaultRelatedTerms, "related.index_terms must be between 1000"},
		{"fetch.timeout", "fetch:\n  timeout: 0s", func(c *Config) any { return c.Fetch.Timeout.Std() }, DefaultTimeout, "fetch.timeout must be positive"},
		{"fetch.max_body_bytes", "fetch:\n  max_body_bytes: 0", func(c *Config) any { return c.Fetch.MaxBodyBytes }, int64(DefaultMaxBodyBytes), "fetch.max_body_bytes must be at least 1024"},
		{"fetch.max_redirects", "fetch:\n  max_redirects: 0", func(c *Config) any { return c.Fetch.MaxRedirects }, DefaultMaxRedirects, ""},
		{"fetch.workers", "fetch:\n  workers: 0", func(c *Config) any { return c.Fetch.Workers }, DefaultWorkers, "fetch.workers must be between 1 and 64"},
		{"fetch.per_host", "fetch:\n  per_host: 0", func(c *Config) any { return c.Fetch.PerHost }, DefaultPerHost, "fetch.per_host must be between 1"},
		{"fetch.max_items", "fetch:\n  max_items: 0", func(c *Config) any { return c.Fetch.MaxItems }, DefaultMaxItems, "fetch.max_items must be between 1"},
		{"fetch.allow_private_networks", "fetch:\n  allow_private_networks: false", func(c *Config) any { return c.Fetch.AllowPrivateNetworks }, false, ""},
		{"title", `title: ""`, func(c *Config) any { return c.Title }, DefaultTitle, ""},
		{"language", `language: ""`, func(c *Config) any { return c.Language }, "en", ""},
		{"listen", `listen: ""`, func(c *Config) any { return c.Listen }, DefaultListen, ""},
		{"base_url", `base_url: ""`, func(c *Config) any { return c.BaseURL }, "http://" + DefaultListen + "/", ""},
		{"schedule", `schedule: ""`, func(c *Config) any { return c.Schedule }, DefaultSchedule, ""},
		{"timezone", `timezone: ""`, func(c *Config) any { return c.Timezone }, DefaultTimezone, ""},
		{"database", `database: ""`, func(c *Config) any { return filepath.Base(c.Database) }, DefaultDatabase, ""},
		{"future_dates", `future_dates: ""`, func(c *Config) any { return c.FutureDates }, FutureClamp, ""},
		{"metrics.listen", "metrics:\n  listen: \"\"", func(c *Config) any { return c.Metrics.Listen }, "", ""},
		{"log.level", "log:\n  level: \"\"", func(c *Config) any { return c.Log.Level }, "info", ""},
		{"log.format", "log:\n  format: \"\"", func(c *Config) any { return c.Log.Format }, "text", ""},
	}
	zeroOf := map[string]any{
		"retention": time.Duration(0), "keep_per_source": 0, "dedup.window": time.Duration(0), "related.max": 0,
		"related.in_content": false, "fetch.max_redirects": 0, "fetch.allow_private_networks": false,
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.key] = true
		absent, err := Parse("c.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if got := tt.get(absent); got != tt.def {
			t.Errorf("%s absent: %v, want the default %v", tt.key, got, tt.def)
		}
		cfg, err := Parse("c.yaml", []byte(tt.zero+"\n"+src))
		switch {
		case tt.zeroErr != "":
			if err == nil || !strings.Contains(err.Error(), "c.yaml:") || !strings.Contains(err.Error(), tt.zeroErr) {
				t.Errorf("%s: 0 gave %v, want the error %q", tt.key, err, tt.zeroErr)
			}
		case err != nil:
			t.Errorf("%s: 0 refused: %v", tt.key, err)
		default:
			want, isZero := zeroOf[tt.key]
			if !isZero {
				want = tt.def // empty text takes the default
			}
			if got := tt.get(cfg); got != want {
				t.Errorf("%s: 0 gave %v, want %v", tt.key, got, want)
			}
		}
	}
	// Every key that has a default is in the table.
	for _, k := range Keys() {
		if strings.Contains(k, "[]") || strings.Contains(k, ".*") {
			continue
		}
		switch k {
		case "fetch", "dedup", "related", "log", "metrics", "categories", "categories.aliases", "categories.rules", "keep", "block", "sources":
			continue // sections and lists
		}
		if !covered[k] {
			t.Errorf("key %s has no row in this table", k)
		}
	}
}
