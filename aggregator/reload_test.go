package aggregator_test

import (
	"slices"
	"testing"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/config"
)

func TestReloadChanges(t *testing.T) {
	src := func(url, enc, tz string) config.Source { return config.Source{URL: url, Encoding: enc, Timezone: tz} }
	prev := &config.Config{Sources: []config.Source{
		src("https://a.example/f", "", ""), src("https://b.example/f", "gbk", ""), src("https://c.example/f", "", "Asia/Shanghai"),
		src("https://gone.example/f", "", ""),
	}}
	next := &config.Config{Sources: []config.Source{
		src("https://a.example/f", "", ""),              // unchanged
		src("https://b.example/f", "big5", ""),          // encoding changed
		src("https://c.example/f", "", "Europe/Berlin"), // timezone changed
		src("https://new.example/f", "", ""),            // added
		src("http://a.example/f", "", ""),               // a changed URL is a new source
	}}
	added, reparse := aggregator.ReloadChanges(prev, next)
	if want := []string{"https://new.example/f", "http://a.example/f"}; !slices.Equal(added, want) {
		t.Errorf("added = %v, want %v", added, want)
	}
	if want := []string{"https://b.example/f", "https://c.example/f"}; !slices.Equal(reparse, want) {
		t.Errorf("reparse = %v, want %v", reparse, want)
	}
	if a, r := aggregator.ReloadChanges(prev, prev); len(a)+len(r) != 0 {
		t.Errorf("the same config: added %v, reparse %v", a, r)
	}
}
