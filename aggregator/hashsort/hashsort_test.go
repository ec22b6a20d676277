package hashsort

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSort64(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := map[string][]uint64{
		"empty":  nil,
		"one":    {7},
		"small":  {5, 3, 9, 3, 1},
		"random": randomSlice(r, 5000, func() uint64 { return r.Uint64() }),
		// Many repeats, as the common words of a long text.
		"repeats": randomSlice(r, 3000, func() uint64 { return uint64(r.IntN(40)) << 58 }),
		// Every value in one bucket, and in the same few buckets.
		"one top byte": randomSlice(r, 2000, func() uint64 { return 0xab<<56 | r.Uint64()>>8 }),
		"few buckets":  randomSlice(r, 2000, func() uint64 { return uint64(r.IntN(3))<<56 | r.Uint64()>>40 }),
		"descending":   descending64(1000),
		"extremes":     append(randomSlice(r, 100, func() uint64 { return r.Uint64() }), 0, ^uint64(0), 0, ^uint64(0)),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			got, want := slices.Clone(in), slices.Clone(in)
			slices.Sort(want)
			Sort(got, nil)
			if !slices.Equal(got, want) {
				t.Fatalf("Sort of %d values differs from slices.Sort", len(in))
			}
		})
	}
}

func TestSort32(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var tmp []uint32
	for _, n := range []int{0, 1, 63, 64, 65, 300, 4096} {
		for _, gen := range []func() uint32{r.Uint32, func() uint32 { return uint32(r.IntN(7)) << 24 }, func() uint32 { return r.Uint32() >> 8 }} {
			in := randomSlice(r, n, gen)
			want := slices.Clone(in)
			slices.Sort(want)
			tmp = Sort(in, tmp)
			if !slices.Equal(in, want) {
				t.Fatalf("Sort of %d values differs from slices.Sort", n)
			}
		}
	}
}

// TestSortReusesScratch checks that the scratch space is grown once and
// then kept.
func TestSortReusesScratch(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	tmp := Sort(randomSlice(r, 1000, r.Uint64), nil)
	if cap(tmp) < 1000 {
		t.Fatalf("scratch of capacity %d for 1000 values", cap(tmp))
	}
	again := Sort(randomSlice(r, 500, r.Uint64), tmp)
	if &again[:1][0] != &tmp[:1][0] {
		t.Fatal("a scratch large enough was not reused")
	}
}

func randomSlice[T Hash](r *rand.Rand, n int, gen func() T) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = gen()
	}
	return s
}

func descending64(n int) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = uint64(n-i) << 50
	}
	return s
}

func BenchmarkSort(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	in := randomSlice(r, 1000, r.Uint64)
	s := make([]uint64, len(in))
	b.Run("hashsort", func(b *testing.B) {
		var tmp []uint64
		for b.Loop() {
			copy(s, in)
			tmp = Sort(s, tmp)
		}
	})
	b.Run("slices.Sort", func(b *testing.B) {
		for b.Loop() {
			copy(s, in)
			slices.Sort(s)
		}
	})
}
