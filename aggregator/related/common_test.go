package related

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCommonWordsAreOnlyCounted checks that dropping the postings of words
// in more than dropDocFreq entries, and making them again when the word
// falls back to maxDocFreq, changes no answer: hints are compared with an
// index that keeps every posting, while a word's share rises past the drop
// and, as the oldest entries are forgotten, falls back.
func TestCommonWordsAreOnlyCounted(t *testing.T) {
	const max = 5500 // enough entries for maxDocFreq, not a share of them, to bound the words walked
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 400)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%dq", i)
	}
	text := func(i int) string {
		var b strings.Builder
		for range 40 {
			// Zipf-like: low-numbered words are common.
			b.WriteString(vocab[int(float64(len(vocab))*math.Pow(rng.Float64(), 3))])
			b.WriteByte(' ')
		}
		if i < 4000 { // a word of the moment: in the first 4,000 entries, then in none
			b.WriteString("fleeting ")
		}
		return b.String()
	}
	kept := New(Config{MaxEntries: max})
	kept.dropAt = math.MaxInt32
	dropping := New(Config{MaxEntries: max})
	fleeting := termKey(termHash(Terms("fleeting")[0]))
	var sawDropped, sawRestored bool
	for i := range 9000 {
		d := Doc{ID: int64(i + 1), Title: fmt.Sprintf("t%dq", i%50), Text: text(i), At: at.Add(time.Duration(i) * time.Minute)}
		kept.Add(d)
		dropping.Add(d)
		if id, ok := dropping.termIDs.get(fleeting, dropping.hashes); ok {
			pl := dropping.postings[id]
			sawDropped = sawDropped || pl.common
			sawRestored = sawRestored || sawDropped && !pl.common && pl.df > 0
		}
		// The word is back to maxDocFreq entries after 8,500.
		if i%500 == 0 || i > 8450 && i < 8700 && i%10 == 0 {
			for _, id := range []int64{int64(i + 1), int64(i - 700), 4000} {
				// Term ids are given in map order, so sums may differ in the last bits.
				if a, b := relatedTo(t, kept, id, 10), relatedTo(t, dropping, id, 10); !slices.EqualFunc(a, b, sameHit) {
					t.Fatalf("after %d entries, Related(%d) = %v, want %v as without dropping", i+1, id, b, a)
				}
			}
		}
	}
	if !sawDropped || !sawRestored {
		t.Fatalf("the common word's postings were dropped: %v, made again: %v; want both", sawDropped, sawRestored)
	}
	common := 0
	for _, pl := range dropping.postings {
		if pl.df > dropDocFreq {
			common++
			// A bit per slot, no more.
			if 8*len(pl.data) > len(dropping.slots)+7 || !pl.common {
				t.Errorf("a word in %d entries keeps %d bytes of postings (%d slots)", pl.df, len(pl.data), len(dropping.slots))
			}
		}
	}
	if common == 0 {
		t.Error("no word is in more than dropDocFreq entries: the test tests nothing")
	}
}

func sameHit(a, b Hit) bool {
	return a.ID == b.ID && math.Abs(a.Score-b.Score) <= 1e-9*math.Abs(a.Score)
}

// An index whose slots fit in 16 bits packs a posting's slot in two
// bytes. Its slots reach MaxEntries plus the entries forgotten between two
// sweeps; the highest is reached, and answers there are as anywhere.
func TestNarrowPostingsReachTheHighestSlot(t *testing.T) {
	narrowest := 0 // the largest MaxEntries with 2-byte slots
	for m := 1; m < 1<<16; m++ {
		if m+sweepBatch(m) <= 1<<16 {
			narrowest = m
		}
	}
	for _, tt := range []struct{ max, width int }{{narrowest, 3}, {narrowest + 1, 5}, {0, 5}, {100, 3}} {
		if got := New(Config{MaxEntries: tt.max}).width; got != tt.width {
			t.Errorf("MaxEntries %d: postings of %d bytes, want %d", tt.max, got, tt.width)
		}
	}
	max := narrowest
	ix := New(Config{MaxEntries: max})
	top := max + sweepBatch(max) - 1
	for i := range top + 3 {
		// Entries 2k and 2k+1 share two words no other entry has.
		ix.Add(Doc{ID: int64(i + 1), Text: fmt.Sprintf("p%dq r%dq filler", i/2, i/2), At: at})
	}
	if got := len(ix.slots) - 1; got != top || got >= 1<<16 {
		t.Fatalf("highest slot %d, want %d, below 65,536", got, top)
	}
	n := int64(top + 3)
	for _, id := range []int64{n - 3, n - 2, n - 1, n} {
		pair := id + 1
		if id%2 == 0 {
			pair = id - 1
		}
		if hits := relatedTo(t, ix, id, 1); len(hits) != 1 || hits[0].ID != pair {
			t.Errorf("Related(%d) = %v, want entry %d", id, hits, pair)
		}
	}
}
