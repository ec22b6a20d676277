package dedup

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// The filter never says "no" to what it was given within two windows; it
// says "maybe" to all until ready; it forgets after two windows; and its
// false positives stay rare.
func TestFilter(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	f := NewFilter(7 * 24 * time.Hour)
	if urlSeen, seen := f.Seen("https://a.example/story", []uint32{1, 2}); !urlSeen || len(seen) != 2 {
		t.Fatalf("not ready, yet it said no: %v %v", urlSeen, seen)
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
	if _, seen := f.Seen("", keys); len(seen) != len(keys) {
		t.Fatalf("%d keys were added, it has seen %d", len(keys), len(seen))
	}
	if urlSeen, _ := f.Seen("https://a.example/story", nil); !urlSeen {
		t.Error("the URL was added, yet it said no")
	}
	// Of a new entry's keys, those added are said seen, the others not
	// (at this load a false positive is a matter of 1 in 10^4).
	if _, seen := f.Seen("", []uint32{keys[7], 1<<32 - 1, keys[9]}); !slices.Equal(seen, []uint32{keys[7], keys[9]}) {
		t.Errorf("seen %v, want %v", seen, []uint32{keys[7], keys[9]})
	}
	falsePositives := 0
	for i := range 100000 {
		urlSeen, seen := f.Seen(fmt.Sprintf("https://b.example/%d", i), []uint32{r.Uint32()})
		if urlSeen {
			falsePositives++
		}
		falsePositives += len(seen)
	}
	if falsePositives > 100 {
		t.Errorf("%d of 100,000 unseen URLs and as many unseen keys said maybe", falsePositives)
	}
	// A window later the keys are still there (the previous generation);
	// two windows later they are forgotten.
	f.AddKey(7, t0.Add(8*24*time.Hour))
	if _, seen := f.Seen("", keys[:2]); len(seen) != 2 {
		t.Error("forgotten after one window")
	}
	f.AddKey(8, t0.Add(16*24*time.Hour))
	if _, seen := f.Seen("", keys[:100]); len(seen) > 1 {
		t.Errorf("%d of 100 keys still remembered after two windows", len(seen))
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
