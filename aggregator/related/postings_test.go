package related

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// A posting list holds what a plain slice of (slot, weight) would, in the
// same order, whatever the mix of additions and removals (most at the
// front, as when the oldest entries are forgotten, some in the middle, as
// when an entry changes); its array stays within a small multiple of its
// postings; and an index whose window has filled adds without growing its
// lists, moving their postings down instead.
func TestPostingListMatchesASlice(t *testing.T) {
	type posting struct {
		slot uint32
		q    uint8
	}
	for _, width := range []int{3, 5} {
		rng := rand.New(rand.NewPCG(1, uint64(width)))
		var pl postingList
		var want []posting
		next := uint32(0)
		for step := range 200_000 {
			// Grow to about 300 postings, then hold there, then shrink.
			target := 300
			if step > 150_000 {
				target = 20
			}
			switch r := rng.IntN(100); {
			case len(want) < target && r < 60 || len(want) == 0:
				p := posting{next % 60_000, uint8(rng.IntN(256))}
				next++
				pl.add(p.slot, p.q, width)
				want = append(want, p)
			case r < 95 || len(want) == 1:
				pl.remove(want[0].slot, width)
				want = want[1:]
			default:
				i := rng.IntN(len(want))
				pl.remove(want[i].slot, width)
				want = slices.Delete(want, i, i+1)
			}
			if pl.len(width) != len(want) {
				t.Fatalf("width %d, step %d: %d postings, want %d", width, step, pl.len(width), len(want))
			}
			if step%997 == 0 {
				for i, p := range want {
					if slot, q := pl.at(i, width); slot != p.slot || q != p.q {
						t.Fatalf("width %d, step %d: posting %d is (%d, %d), want (%d, %d)", width, step, i, slot, q, p.slot, p.q)
					}
				}
				if c := cap(pl.data); c > 2*len(want)*width+8*width+int(pl.start) {
					t.Fatalf("width %d, step %d: array of %d bytes for %d postings", width, step, c, len(want))
				}
			}
		}
	}
}

func TestFullListWithRoomAtTheFrontDoesNotGrow(t *testing.T) {
	const width = 3
	var pl postingList
	for i := range 100 {
		pl.add(uint32(i), 1, width)
	}
	for len(pl.data) < cap(pl.data) {
		pl.add(0, 1, width)
	}
	for i := range 10 {
		pl.remove(uint32(i), width)
	}
	before := &pl.data[:1][0]
	pl.add(7, 2, width)
	if &pl.data[:1][0] != before {
		t.Errorf("a full list with room for 10 postings at its front was moved to a new array")
	}
	if slot, q := pl.at(pl.len(width)-1, width); slot != 7 || q != 2 {
		t.Errorf("last posting (%d, %d), want (7, 2)", slot, q)
	}
	if slot, _ := pl.at(0, width); slot != 10 {
		t.Errorf("first posting %d, want 10", slot)
	}
}

// A list's first posting is allocated at its own size: most terms of
// Chinese text are in one entry, and room for more would be most of their
// cost. The second makes room for several.
func TestFirstPostingIsAllocatedAlone(t *testing.T) {
	for _, width := range []int{3, 5} {
		var pl postingList
		pl.add(7, 1, width)
		if cap(pl.data) != width {
			t.Errorf("width %d: a list of one posting has room for %d bytes, want %d", width, cap(pl.data), width)
		}
		pl.add(8, 2, width)
		if cap(pl.data) < 4*width {
			t.Errorf("width %d: a list of two postings has room for %d bytes, want at least %d", width, cap(pl.data), 4*width)
		}
		if s0, _ := pl.at(0, width); s0 != 7 {
			t.Errorf("width %d: first posting %d after the second was added, want 7", width, s0)
		}
	}
}
