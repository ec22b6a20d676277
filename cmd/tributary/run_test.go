package main

import "testing"

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
