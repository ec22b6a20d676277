package main

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/config"
)

// The daemon's collector target is its own unless GOGC sets one.
func TestGCPercent(t *testing.T) {
	for _, c := range []struct {
		gogc string
		pct  int
		set  bool
	}{{"", daemonGCPercent, true}, {"100", 0, false}, {"off", 0, false}} {
		if pct, set := gcPercent(c.gogc); pct != c.pct || set != c.set {
			t.Errorf("GOGC=%q: %d, %v; want %d, %v", c.gogc, pct, set, c.pct, c.set)
		}
	}
}

// A reload keeps the running values of the settings read only at start,
// and names those it did not apply; the others it applies.
func TestReloadKeepsStartupSettings(t *testing.T) {
	base := func() *config.Config {
		c := &config.Config{Listen: "127.0.0.1:8080", Database: "t.db", Title: "A"}
		c.Fetch.Workers = 8
		c.Dedup.Window = config.Duration(7 * 24 * time.Hour)
		c.Related.Window = config.Duration(30 * 24 * time.Hour)
		c.Related.IndexEntries, c.Related.IndexTerms, c.Related.Max = 10000, 300000, 5
		return c
	}
	tests := []struct {
		edit func(*config.Config)
		want string
	}{
		{func(c *config.Config) {}, ""},
		{func(c *config.Config) { c.Title, c.Related.Max = "B", 3 }, ""},
		{func(c *config.Config) { c.Listen = "127.0.0.1:9090" }, "listen"},
		{func(c *config.Config) { c.Fetch.Workers = 2 }, "fetch"},
		{func(c *config.Config) { c.Dedup.Window = 0 }, "dedup.window"},
		{func(c *config.Config) { c.Related.Window = config.Duration(time.Hour) }, "related.window"},
		{func(c *config.Config) { c.Related.IndexEntries, c.Related.IndexTerms = 500, 5000 }, "related.index_entries, related.index_terms"},
		{func(c *config.Config) { c.Database = "u.db" }, "database"},
		{func(c *config.Config) { c.Related.Max = 0 }, ""},
	}
	for _, tt := range tests {
		old, cfg := base(), base()
		tt.edit(cfg)
		edited := *cfg
		if got := strings.Join(keepStartupSettings(old, cfg), ", "); got != tt.want {
			t.Errorf("changed %q, want %q", got, tt.want)
		}
		// What was named is back to its running value; the rest is as edited.
		kept := *old
		kept.Title, kept.Related.Max = edited.Title, edited.Related.Max
		if !reflect.DeepEqual(*cfg, kept) {
			t.Errorf("after keeping %q: %+v, want %+v", tt.want, *cfg, kept)
		}
	}
	// Related entries turned on: the index is made at start only.
	old, cfg := base(), base()
	old.Related.Max, cfg.Related.Max = 0, 5
	if got := keepStartupSettings(old, cfg); !reflect.DeepEqual(got, []string{"related.max"}) || cfg.Related.Max != 0 {
		t.Errorf("related.max 0 -> 5: named %v, kept %d; want [related.max], 0", got, cfg.Related.Max)
	}
}
