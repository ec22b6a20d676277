package related

import (
	"math/rand/v2"
	"testing"
)

// The table answers as a Go map of hash to id would, through additions
// and deletions in any order, growth, and hashes that share their top bits
// (long runs of colliding probes).
func TestTermTableMatchesAMap(t *testing.T) {
	for _, collide := range []bool{false, true} {
		rng := rand.New(rand.NewPCG(5, 6))
		var tab termTable
		var hashes []uint64
		var free []uint32
		want := map[uint64]uint32{}
		newHash := func() uint64 {
			h := rng.Uint64() &^ 0xff
			if collide {
				h = uint64(rng.IntN(64))<<58 | uint64(rng.IntN(1<<20))<<8 // few distinct homes
			}
			return h
		}
		for step := range 300_000 {
			switch r := rng.IntN(10); {
			case r < 6 || len(want) == 0:
				h := newHash()
				if _, ok := want[h]; ok {
					continue
				}
				var id uint32
				if n := len(free); n > 0 {
					id, free = free[n-1], free[:n-1]
					hashes[id] = h
				} else {
					id = uint32(len(hashes))
					hashes = append(hashes, h)
				}
				tab.put(h, id, hashes)
				want[h] = id
			default:
				for h, id := range want { // a random one: map order
					tab.del(h, hashes)
					delete(want, h)
					free = append(free, id)
					break
				}
			}
			if tab.n != len(want) {
				t.Fatalf("collide %v, step %d: %d held, want %d", collide, step, tab.n, len(want))
			}
			if step%5000 == 0 {
				for h, id := range want {
					if got, ok := tab.get(h, hashes); !ok || got != id {
						t.Fatalf("collide %v, step %d: get(%x) = %d, %v; want %d", collide, step, h, got, ok, id)
					}
				}
				for range 100 {
					h := newHash()
					if _, held := want[h]; !held {
						if got, ok := tab.get(h, hashes); ok {
							t.Fatalf("collide %v, step %d: get(%x) = %d for a hash not held", collide, step, h, got)
						}
					}
				}
			}
		}
		if 4*tab.n > 3*len(tab.slots) {
			t.Errorf("collide %v: %d ids in %d slots", collide, tab.n, len(tab.slots))
		}
	}
}
