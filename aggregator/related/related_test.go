package related

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"The Rates are rising", []string{"rate", "rise"}},
		{"talks talked talking", []string{"talk", "talk", "talk"}},
		{"rates rated rating", []string{"rate", "rate", "rate"}},
		{"hoping hopping hopped", []string{"hope", "hop", "hop"}},
		{"companies' policies", []string{"company", "policy"}},
		{"人工智能", []string{"人工", "工智", "智能"}},
		{"谷歌发布AI模型", []string{"谷歌", "歌发", "发布", "ai", "模型"}},
		{"Ｆｕｌｌｗｉｄｔｈ ＡＩ", []string{"fullwidth", "ai"}},
		{"日本の首相", []string{"日本", "本の", "の首", "首相"}},
		{"a I 5 x", []string{"5"}},
		{"中", []string{"中"}},
	}
	for _, tt := range tests {
		if got := Terms(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Terms(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

var at = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func docs() []Doc {
	return []Doc{
		{ID: 1, Title: "Salmon return to the river", Text: "Salmon numbers at the weir rose sharply as the fish ladder opened.", At: at},
		{ID: 2, Title: "Fish ladder success", Text: "The new fish ladder at the weir helped salmon numbers rise.", At: at.Add(time.Hour)},
		{ID: 3, Title: "Salmon ladder copy", Text: "Salmon numbers at the weir rose sharply as the fish ladder opened.", At: at, Group: 1},
		{ID: 4, Title: "Stock markets fall", Text: "Shares fell on Wall Street as oil prices climbed.", At: at},
		{ID: 5, Title: "Oil prices climb", Text: "Crude oil prices climbed again, hurting shares.", At: at},
		{ID: 6, Title: "Salmon weir ladder", Text: "Salmon at the weir and the fish ladder, long ago.", At: at.Add(-90 * 24 * time.Hour)},
		{ID: 7, Title: "Kayak routes", Text: "Three gentle kayak routes for beginners.", At: at},
	}
}

func ids(hits []Hit) []int64 {
	var out []int64
	for _, h := range hits {
		out = append(out, h.ID)
	}
	return out
}

func TestRelated(t *testing.T) {
	ix := New(Config{})
	for _, d := range docs() {
		ix.Add(d)
	}
	got := ids(relatedTo(t, ix, 1, 5))
	if len(got) == 0 || got[0] != 2 {
		t.Errorf("Related(1) = %v, want 2 first", got)
	}
	for _, bad := range []int64{1, 3, 6, 4, 5, 7} {
		if slices.Contains(got, bad) {
			t.Errorf("Related(1) = %v contains %d (itself, its duplicate, outside the window or unrelated)", got, bad)
		}
	}
	if got := ids(relatedTo(t, ix, 3, 5)); slices.Contains(got, 1) {
		t.Errorf("a duplicate is related to its original: %v", got)
	}
	if got := ids(relatedTo(t, ix, 4, 5)); len(got) != 1 || got[0] != 5 {
		t.Errorf("Related(4) = %v, want [5]", got)
	}
	if got := relatedTo(t, ix, 7, 5); len(got) != 0 {
		t.Errorf("an entry about nothing else got hints: %v", got)
	}
	if relatedTo(t, ix, 99, 5) != nil {
		t.Error("unknown id got hints")
	}
	// Stable: the same answer twice.
	if a, b := relatedTo(t, ix, 2, 5), relatedTo(t, ix, 2, 5); !slices.Equal(a, b) {
		t.Errorf("hints differ between calls: %v, %v", a, b)
	}
	// Removing and re-adding is incremental.
	ix.Remove(2)
	if got := ids(relatedTo(t, ix, 1, 5)); slices.Contains(got, 2) {
		t.Errorf("removed entry still related: %v", got)
	}
	ix.Add(docs()[1])
	if got := ids(relatedTo(t, ix, 1, 5)); len(got) == 0 || got[0] != 2 {
		t.Errorf("re-added entry not related: %v", got)
	}
	if ix.Len() != 7 {
		t.Errorf("Len = %d", ix.Len())
	}
}

func TestSharedCategoriesLift(t *testing.T) {
	base := []Doc{
		{ID: 1, Title: "Oil tanker prices", Text: "Oil tanker prices climbed on supply fears.", At: at},
		{ID: 2, Title: "Oil output", Text: "Oil output fell at the wells.", At: at},
		{ID: 3, Title: "Oil tanker", Text: "An oil tanker ran aground.", At: at},
		{ID: 4, Title: "Kayaks", Text: "Kayak routes for beginners on calm water.", At: at},
		{ID: 5, Title: "Bridges", Text: "The footbridge reopened after repairs.", At: at},
	}
	plain, lifted := New(Config{}), New(Config{})
	for _, d := range base {
		plain.Add(d)
		if d.ID == 1 || d.ID == 3 {
			d.Categories = []string{"Energy"}
		}
		if d.ID == 3 {
			d.Categories = []string{"ENERGY"}
		}
		lifted.Add(d)
	}
	score := func(ix *Index, of, id int64) float64 {
		for _, h := range relatedTo(t, ix, of, 5) {
			if h.ID == id {
				return h.Score
			}
		}
		return 0
	}
	if p, l := score(plain, 1, 3), score(lifted, 1, 3); !(l > p && p > 0) {
		t.Errorf("shared category did not lift: %.3f → %.3f", p, l)
	}
}

// The index forgets a term with the last entry that has it, so that its
// vocabulary follows the entries it holds, not every word ever seen.
func TestTermsAreForgottenWithTheirEntries(t *testing.T) {
	ix := New(Config{})
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	ix.Add(Doc{ID: 1, Title: "Salmon ladder opens", Text: "The weir ladder carried salmon upstream.", At: at})
	ix.Add(Doc{ID: 2, Title: "三峡水库开始泄洪", Text: "下游各地正在做好防汛准备。", At: at})
	both := ix.Terms()
	ix.Remove(1)
	one := ix.Terms()
	if one == 0 || one >= both {
		t.Fatalf("terms: %d with both entries, %d after removing one", both, one)
	}
	ix.Add(Doc{ID: 3, Title: "Salmon ladder opens", Text: "The weir ladder carried salmon upstream.", At: at})
	if got := ix.Terms(); got != both {
		t.Errorf("terms: %d after adding the English entry back, want %d", got, both)
	}
	ix.Remove(2)
	ix.Remove(3)
	if got := ix.Terms(); got != 0 {
		t.Errorf("%d terms left in an empty index", got)
	}
}

// A bounded index forgets the entry added longest ago, counting an entry
// replaced or removed since as added when it last was, and its records of
// the order of addition stay bounded under endless replacing.
func TestMaxEntriesForgetsTheOldest(t *testing.T) {
	ix := New(Config{MaxEntries: 3})
	doc := func(id int64) Doc {
		return Doc{ID: id, Title: "Salmon ladder report", Text: "The weir ladder carried salmon upstream again.", At: at}
	}
	for id := int64(1); id <= 3; id++ {
		ix.Add(doc(id))
	}
	ix.Add(doc(1)) // replaced: now the newest
	ix.Add(doc(4)) // forgets 2, the oldest
	if got := ids(relatedTo(t, ix, 1, 5)); !slices.Equal(got, []int64{3, 4}) {
		t.Errorf("Related(1) = %v, want [3 4] (2 forgotten)", got)
	}
	if ix.Len() != 3 || relatedTo(t, ix, 2, 5) != nil {
		t.Errorf("Len = %d, Related(2) = %v: entry 2 not forgotten", ix.Len(), relatedTo(t, ix, 2, 5))
	}
	ix.Remove(3)
	ix.Add(doc(5))
	ix.Add(doc(6)) // forgets 1: 3 was removed already
	if got := ids(relatedTo(t, ix, 4, 5)); !slices.Equal(got, []int64{5, 6}) {
		t.Errorf("Related(4) = %v, want [5 6]", got)
	}
	for i := 0; i < 10000; i++ {
		ix.Add(doc(int64(4 + i%3)))
	}
	if ix.Len() != 3 || len(ix.added) > 3*2+64 {
		t.Errorf("after replacing: %d entries, %d records of addition", ix.Len(), len(ix.added))
	}
}

// An index bounded in words forgets the entries added longest ago while it
// holds more distinct terms than MaxVocabulary, however few entries that
// is, but never the entry just added; entries that bring no new word cost
// it nothing.
func TestMaxVocabularyForgetsTheOldest(t *testing.T) {
	const max = 1000
	ix := New(Config{MaxVocabulary: max})
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	words := func(from, n int) string {
		var b strings.Builder
		for i := from; i < from+n; i++ {
			fmt.Fprintf(&b, "w%dx ", i)
		}
		return b.String()
	}
	// Each entry brings 300 words of its own.
	for id := int64(1); id <= 20; id++ {
		ix.Add(Doc{ID: id, Text: words(int(id)*1000, 300), At: at})
		if n := ix.Terms(); n > max {
			t.Fatalf("after entry %d: %d terms, want at most %d", id, n, max)
		}
		if !ix.Has(id) {
			t.Fatalf("entry %d, just added, was forgotten", id)
		}
	}
	if ix.Has(17) || !ix.Has(18) || ix.Len() != 3 {
		t.Errorf("holding %d entries (17: %v, 18: %v); want the newest three, 18 to 20", ix.Len(), ix.Has(17), ix.Has(18))
	}
	// Entries made of words already held are all kept.
	for id := int64(21); id <= 40; id++ {
		ix.Add(Doc{ID: id, Text: words(20*1000, 300), At: at})
	}
	if ix.Len() != 23 || !ix.Has(18) {
		t.Errorf("after 20 entries of known words: %d entries (18: %v), want 23", ix.Len(), ix.Has(18))
	}
	// An entry with more words than the bound is held alone.
	ix.Add(Doc{ID: 41, Text: words(100_000, 1500), At: at})
	if ix.Len() != 1 || !ix.Has(41) {
		t.Errorf("after an entry of 1,500 words: %d entries (41: %v), want it alone", ix.Len(), ix.Has(41))
	}
}

// relatedTo returns ix.Related(id, max), failing the test on an error.
func relatedTo(t testing.TB, ix *Index, id int64, max int) []Hit {
	t.Helper()
	hits, err := ix.Related(context.Background(), id, max)
	if err != nil {
		t.Fatalf("Related(%d): %v", id, err)
	}
	return hits
}

// mapTexts is a TextSource over a map of entries, as a store would give
// them back: not in NFKC form, in any order.
type mapTexts struct {
	docs map[int64]Doc
	err  error
}

func (m mapTexts) Texts(_ context.Context, ids []int64, fn func(id int64, title, text string)) error {
	if m.err != nil {
		return m.err
	}
	for _, id := range slices.Backward(ids) {
		if d, ok := m.docs[id]; ok {
			fn(id, d.Title, d.Text)
		}
	}
	return nil
}

// An index that reads its entries' words from a TextSource answers as one
// that keeps their texts itself, and says so when the texts cannot be
// read.
func TestTextSource(t *testing.T) {
	source := mapTexts{docs: map[int64]Doc{}}
	kept, read := New(Config{}), New(Config{Texts: source})
	for i := range 60 {
		d := docs()[i%7]
		d.ID, d.Group = int64(i+1), 0
		d.Title = fullwidth(d.Title) // NFKC changes it: the index must read it as it did
		source.docs[d.ID] = d
		kept.Add(d)
		read.Add(d)
	}
	answered := 0
	for id := int64(1); id <= 60; id++ {
		a, b := relatedTo(t, kept, id, 5), relatedTo(t, read, id, 5)
		if !slices.EqualFunc(a, b, sameHit) {
			t.Fatalf("Related(%d) = %v reading the texts, want %v as keeping them", id, b, a)
		}
		if len(a) > 0 {
			answered++
		}
	}
	if answered < 30 {
		t.Errorf("only %d of 60 entries have hints: the test compares nothing", answered)
	}
	failing := New(Config{Texts: mapTexts{err: fmt.Errorf("disk on fire")}})
	failing.Add(docs()[0])
	if _, err := failing.Related(context.Background(), 1, 5); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("Related with unreadable texts: error %v, want the source's", err)
	}
}

// fullwidth returns s with its ASCII letters in their fullwidth forms.
func fullwidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			return r - 'A' + 'Ａ'
		}
		return r
	}, s)
}

// Queries running while entries are added and forgotten (each query
// sweeping what was forgotten first) never answer with the entry asked
// about or one never added; run with -race.
func TestConcurrentQueriesAndForgetting(t *testing.T) {
	ix := New(Config{MaxEntries: 40})
	const n = 3000
	var last atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			d := docs()[i%7]
			d.ID, d.Group = int64(i+1), 0
			last.Store(d.ID) // before: a query may meet the entry once added
			ix.Add(d)
			if i%5 == 0 {
				ix.Remove(int64(i - 3))
			}
		}
	}()
	queried, answered := 0, 0
	for {
		select {
		case <-done:
			if queried == 0 || answered == 0 {
				t.Errorf("%d queries beside the additions, %d answered", queried, answered)
			}
			return
		default:
		}
		id := max(1, last.Load()-int64(queried%30))
		hits := relatedTo(t, ix, id, 5)
		for _, h := range hits {
			if h.ID == id || h.ID < 1 || h.ID > last.Load() {
				t.Fatalf("Related(%d) answered %d", id, h.ID)
			}
		}
		if len(hits) > 0 {
			answered++
		}
		queried++
	}
}

// Hints do not depend on the ids the index gave its words, which follow
// the order words were first seen (and reuse): ties among the feedback
// words, and the order in which scores are summed, go by the words'
// hashes. So an index loaded again after a restart answers as before.
func TestHintsDoNotDependOnTermIDs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	text := func() string {
		var b strings.Builder
		for range 80 {
			fmt.Fprintf(&b, "w%dq ", int(3000*math.Pow(rng.Float64(), 2)))
		}
		return b.String()
	}
	var all []Doc
	for i := range 300 {
		all = append(all, Doc{ID: int64(i + 1), Title: text()[:40], Text: text(), At: at})
	}
	plain, shuffled := New(Config{}), New(Config{})
	// Words first seen in another order, then forgotten: their ids are
	// given out again in another order still.
	var every strings.Builder
	for i := 2999; i >= 0; i-- {
		fmt.Fprintf(&every, "w%dq ", i)
	}
	shuffled.Add(Doc{ID: 1000, Text: every.String(), At: at})
	shuffled.Remove(1000)
	shuffled.Terms() // sweeps
	for _, d := range all {
		plain.Add(d)
		shuffled.Add(d)
	}
	for _, d := range all {
		if a, b := relatedTo(t, plain, d.ID, 10), relatedTo(t, shuffled, d.ID, 10); !slices.Equal(a, b) {
			t.Fatalf("Related(%d) = %v with words given other ids, want %v", d.ID, b, a)
		}
	}
}
