package dedup

import (
	"math/rand/v2"
	"testing"
	"time"
)

// The filter never says "no" to what it was given within two windows; it
// says "maybe" to all until ready; it forgets after two windows; and its
// false positives stay rare.
func TestFilter(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	f := NewFilter(7 * 24 * time.Hour)
	if !f.MayMatch("", []uint32{1, 2}, 2) {
		t.Fatal("not ready, yet it said no")
	}
	f.MarkReady(t0)
	r := rand.New(rand.NewPCG(1, 2))
	var keys []uint32
	for i := range 200000 {
		k := r.Uint32()
		keys = append(keys, k)
		f.AddKey(k, t0.Add(time.Duration(i)*time.Second))
	}
	f.AddURL("https://a.example/story", t0)
	for i := 0; i+1 < len(keys); i += 2 {
		if !f.MayMatch("", keys[i:i+2], 2) {
			t.Fatalf("keys %v were added, yet it said no", keys[i:i+2])
		}
	}
	if !f.MayMatch("https://a.example/story", nil, 2) {
		t.Error("the URL was added, yet it said no")
	}
	falsePositives := 0
	for range 100000 {
		if f.MayMatch("https://b.example/"+string(rune('a'+r.IntN(26))), []uint32{r.Uint32(), r.Uint32()}, 2) {
			falsePositives++
		}
	}
	if falsePositives > 1000 {
		t.Errorf("%d of 100,000 unseen entries said maybe", falsePositives)
	}
	// A window later the keys are still there (the previous generation);
	// two windows later they are forgotten.
	f.AddKey(7, t0.Add(8*24*time.Hour))
	if !f.MayMatch("", keys[:2], 2) {
		t.Error("forgotten after one window")
	}
	f.AddKey(8, t0.Add(16*24*time.Hour))
	if f.MayMatch("", keys[:2], 2) && f.MayMatch("", keys[2:4], 2) {
		t.Error("still remembered after two windows")
	}
}
