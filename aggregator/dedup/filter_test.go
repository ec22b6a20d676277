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

// Crowded counts how many entries chose a key: exactly while the counters
// are many more than the keys, never under the truth, only a little over it
// in a busy window, and forgotten after two windows like the rest.
func TestFilterCountsCrowdedKeys(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	f := NewFilter(7 * 24 * time.Hour)
	for range CrowdedKey {
		f.AddKey(42, t0)
	}
	if f.Crowded(42) {
		t.Error("crowded before it was ready")
	}
	f = NewFilter(7 * 24 * time.Hour)
	f.MarkReady(t0)
	r := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		f.AddKey(r.Uint32(), t0)
	}
	for range CrowdedKey - 1 {
		f.AddKey(42, t0)
	}
	if f.Crowded(42) {
		t.Errorf("crowded after %d entries", CrowdedKey-1)
	}
	f.AddKey(42, t0.Add(8*24*time.Hour)) // the next generation: the sum counts
	if !f.Crowded(42) {
		t.Errorf("not crowded after %d entries", CrowdedKey)
	}
	f.AddKey(7, t0.Add(16*24*time.Hour))
	if f.Crowded(42) {
		t.Error("still crowded two windows later")
	}

	// A busy window: far more keys than counters.
	f = NewFilter(7 * 24 * time.Hour)
	f.MarkReady(t0)
	for range 400000 {
		f.AddKey(r.Uint32(), t0)
	}
	for range CrowdedKey * 3 / 4 {
		f.AddKey(42, t0)
	}
	if f.Crowded(42) {
		t.Errorf("crowded after %d entries among 400,000 keys", CrowdedKey*3/4)
	}
	crowded := 0
	for range 100000 {
		if f.Crowded(r.Uint32()) {
			crowded++
		}
	}
	if crowded > 0 {
		t.Errorf("%d of 100,000 keys counted once at most were crowded", crowded)
	}
}
