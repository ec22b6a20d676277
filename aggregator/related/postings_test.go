package related

import (
	"math/rand/v2"
	"testing"
)

// A posting list holds what a plain slice of (slot, weight) would, in the
// same order, whatever the mix of additions and sweeps (of the oldest, as
// when the window slides, and of any, as when entries change); and its
// array stays within a small multiple of its postings.
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
		dead := make([]uint64, 60_000/64+1)
		for step := range 20_000 {
			// Grow to about 300 postings, then hold there, then shrink.
			target := 300
			if step > 15_000 {
				target = 20
			}
			if r := rng.IntN(100); len(want) < target && r < 60 || len(want) == 0 {
				p := posting{next % 60_000, uint8(rng.IntN(256))}
				next++
				pl.add(p.slot, p.q, width)
				want = append(want, p)
				continue
			}
			// Sweep a few of the oldest and a few at random.
			clear(dead)
			var kept []posting
			oldest := rng.IntN(5)
			for i, p := range want {
				if i < oldest || rng.IntN(50) == 0 {
					dead[p.slot/64] |= 1 << (p.slot % 64)
				} else {
					kept = append(kept, p)
				}
			}
			if n := pl.drop(dead, width); n != len(want)-len(kept) {
				t.Fatalf("width %d, step %d: dropped %d postings, want %d", width, step, n, len(want)-len(kept))
			}
			want = kept
			if pl.len(width) != len(want) {
				t.Fatalf("width %d, step %d: %d postings, want %d", width, step, pl.len(width), len(want))
			}
			for i, p := range want {
				if slot, q := pl.at(i, width); slot != p.slot || q != p.q {
					t.Fatalf("width %d, step %d: posting %d is (%d, %d), want (%d, %d)", width, step, i, slot, q, p.slot, p.q)
				}
			}
			if c := cap(pl.data); c > 2*len(want)*width+8*width {
				t.Fatalf("width %d, step %d: array of %d bytes for %d postings", width, step, c, len(want))
			}
		}
	}
}

// A common term keeps a bit per entry that has it, and its postings come
// back from the bits with the mean weight of those dropped.
func TestCommonTermKeepsBitsAndMeanWeight(t *testing.T) {
	const width = 3
	var pl postingList
	for _, s := range []uint32{3, 9, 700} {
		pl.add(s, uint8(s%7+10), width) // weights 13, 12, 10
	}
	pl.makeCommon(64, 17, width)
	if !pl.common || pl.meanQ != 13 { // (13+12+10+17)/4 = 13
		t.Fatalf("common %v, mean weight %d, want true, 13", pl.common, pl.meanQ)
	}
	for _, s := range []uint32{3, 9, 64, 700} {
		if !pl.marked(s) {
			t.Errorf("slot %d not marked", s)
		}
	}
	pl.mark(5000)
	pl.unmark(9)
	for s, want := range map[uint32]bool{9: false, 5000: true, 4: false, 9999: false} {
		if pl.marked(s) != want {
			t.Errorf("slot %d marked %v, want %v", s, !want, want)
		}
	}
	pl.df = 4
	pl.restore(width)
	if pl.common || pl.len(width) != 4 {
		t.Fatalf("restored: common %v, %d postings, want false, 4", pl.common, pl.len(width))
	}
	for i, s := range []uint32{3, 64, 700, 5000} {
		if slot, q := pl.at(i, width); slot != s || q != 13 {
			t.Errorf("posting %d is (%d, %d), want (%d, 13)", i, slot, q, s)
		}
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

// len returns how many entries the list holds.
func (pl *postingList) len(width int) int { return len(pl.data) / width }

// at returns the slot and quantized weight of the list's i-th entry.
func (pl *postingList) at(i, width int) (slot uint32, q uint8) {
	return unpack(pl.data[i*width:], width)
}
