package dedup_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator/dedup"
	"github.com/tributary/tributary/aggregator/entry"
	"github.com/tributary/tributary/aggregator/evalset"
	"github.com/tributary/tributary/aggregator/normalize"
	"github.com/tributary/tributary/aggregator/store"
)

// The evaluation measures duplicate detection on ../shared/evalsets, read
// from there and never copied: positives are an article and a syndicated
// variant of it (other headline, byline, source line, trimmed or reflowed
// text, other markup); hard negatives are two different articles with the
// same topic label.
//
//	go test -run TestDuplicateDetectionQuality -v ./aggregator/dedup/

type article = evalset.Article

func loadEvalset(tb testing.TB, name string) []article { return evalset.ForTest(tb, name) }

var zhSentence = regexp.MustCompile(`[^。！？]+[。！？]*`)

// abbreviations end in a full stop without ending a sentence.
var abbreviations = map[string]bool{"inc": true, "corp": true, "co": true, "ltd": true, "mr": true, "mrs": true,
	"ms": true, "dr": true, "st": true, "jr": true, "u.s": true, "u.k": true, "u.n": true, "no": true, "vs": true}

// enSentences splits English text at a full stop, question or exclamation
// mark followed by a space and a capital letter, except after an
// abbreviation or an initial.
func enSentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(text) && text[j] == ' ' {
			j++
		}
		if j == i+1 || j >= len(text) || text[j] < 'A' || text[j] > 'Z' {
			continue
		}
		prev := text[strings.LastIndexAny(text[:i], " (")+1 : i]
		if c == '.' && (abbreviations[strings.ToLower(prev)] || len(prev) == 1) {
			continue
		}
		out = append(out, text[start:j])
		start = j
	}
	return append(out, text[start:])
}

// syndicate returns the HTML of a syndicated variant of a, as another
// outlet would publish it, and its new headline.
func syndicate(a article, zh bool, r *rand.Rand) (html, title string) {
	sentences := enSentences(a.Text)
	if zh {
		sentences = zhSentence.FindAllString(a.Text, -1)
	}
	if len(sentences) == 0 {
		sentences = []string{a.Text}
	}
	// Trim: drop the last sentence, or the last third of a long text.
	if r.IntN(2) == 0 && len(sentences) > 1 {
		keep := len(sentences) - 1
		if len(sentences) > 6 {
			keep = len(sentences) * 2 / 3
		}
		sentences = sentences[:keep]
	}
	var paras []string
	for i := 0; i < len(sentences); {
		n := 1 + r.IntN(3) // reflow: sentences regrouped into paragraphs
		end := min(len(sentences), i+n)
		paras = append(paras, strings.TrimSpace(strings.Join(sentences[i:end], " ")))
		i = end
	}
	byline, source := "By Alex Morgan, Staff Writer", "Source: The Daily Courier"
	title = "Update: " + a.Title
	if zh {
		byline, source = "本报记者 王小明 报道", "来源：东方日报"
		title = "快讯｜" + a.Title
	}
	if r.IntN(2) == 0 {
		paras = append([]string{byline}, paras...)
	}
	if r.IntN(2) == 0 {
		paras = append(paras, source)
	}
	// Other markup.
	var b strings.Builder
	switch r.IntN(3) {
	case 0:
		for _, p := range paras {
			fmt.Fprintf(&b, "<p>%s</p>\n", p)
		}
	case 1:
		b.WriteString("<div class=\"story\">" + strings.Join(paras, "<br/><br/>\n") + "</div>")
	default:
		for _, p := range paras {
			fmt.Fprintf(&b, "<section><span>%s</span></section>", p)
		}
	}
	return b.String(), title
}

type quality struct {
	tp, fpPositive, fpNegative, fn, tooShort, negatives int
	// The hard negatives built here: a short entry against long entries
	// of the same topic that share only common words with it.
	shortLong, fpShortLong int
}

func (q quality) precision() float64 {
	return float64(q.tp) / float64(max(1, q.tp+q.fpPositive+q.fpNegative+q.fpShortLong))
}

func (q quality) recall() float64 {
	return float64(q.tp) / float64(max(1, q.tp+q.fpPositive+q.fn))
}

// storeIndex is the duplicate index as the poller uses it: a real store in
// a temporary directory, its candidates, and dedup.Decide over them.
type storeIndex struct {
	tb      testing.TB
	st      *store.Store
	sources [3]int64 // row ids of sources 1 and 2
	at      time.Time
	article map[int64]int // row id → index of the text it was made from
	filter  *dedup.Filter // counts the stored keys, as the poller does, so that crowded keys are passed over
}

func newStoreIndex(tb testing.TB, at time.Time) *storeIndex {
	st, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "eval.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	x := &storeIndex{tb: tb, st: st, at: at, article: map[int64]int{}, filter: dedup.NewFilter(7 * 24 * time.Hour)}
	x.filter.MarkReady(at)
	ctx := context.Background()
	if err := st.SyncSources(ctx, []store.SourceConfig{{URL: "https://one.example/feed"}, {URL: "https://two.example/feed"}}); err != nil {
		tb.Fatal(err)
	}
	for i, u := range []string{"https://one.example/feed", "https://two.example/feed"} {
		state, err := st.Source(ctx, u)
		if err != nil {
			tb.Fatal(err)
		}
		x.sources[i+1] = state.ID
	}
	return x
}

// add stores texts as entries of source 1; refs[i] names texts[i].
func (x *storeIndex) add(texts []string, refs []int) {
	var entries []entry.Entry
	for i, text := range texts {
		e := entry.Entry{Key: fmt.Sprintf("guid:%d", i), Title: "t", ContentText: text, Hash: fmt.Sprint(i)}
		if s, ok := dedup.NewSketch(text); ok {
			e.Sketch, _ = s.MarshalBinary()
			e.DedupKeys, _ = dedup.Keys(s, x.filter.Crowded)
			for _, k := range e.DedupKeys {
				x.filter.AddKey(k, x.at)
			}
		}
		entries = append(entries, e)
	}
	_, saved, err := x.st.SavePoll(context.Background(), store.Poll{SourceURL: "https://one.example/feed", At: x.at, Entries: entries})
	if err != nil {
		x.tb.Fatal(err)
	}
	for _, sv := range saved {
		x.article[sv.RowID] = refs[sv.Index]
	}
}

// find looks for the original of text, a new entry of source 2; it returns
// the index of the text the match was made from.
func (x *storeIndex) find(text string) (int, bool) {
	ctx := context.Background()
	s, _ := dedup.NewSketch(text)
	keys, crowded := dedup.Keys(s, x.filter.Crowded)
	cands, err := x.st.DupCandidates(ctx, store.DupQuery{SourceID: x.sources[2], Keys: keys, Crowded: crowded, Since: x.at.Add(-7 * 24 * time.Hour)})
	if err != nil {
		x.tb.Fatal(err)
	}
	lookup := func(id int64) (string, bool) {
		t, ok, err := x.st.ContentText(ctx, id)
		if err != nil {
			x.tb.Fatal(err)
		}
		return t, ok
	}
	m, ok := dedup.Decide(dedup.Doc{Source: x.sources[2], Sketch: s}, text, cands, lookup)
	if !ok {
		return 0, false
	}
	return x.article[m.ID], true
}

func evaluate(tb testing.TB, items []article, zh bool) quality {
	r := rand.New(rand.NewPCG(1, 2))
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var q quality

	// Positives: every original is stored under source 1, and its
	// variant, from source 2, must find it.
	ix := newStoreIndex(tb, at)
	var texts []string
	var refs []int
	for i, a := range items {
		text := normalize.PlainText(a.Text)
		if _, ok := dedup.NewSketch(text); !ok {
			q.tooShort++
		}
		texts, refs = append(texts, text), append(refs, i)
	}
	ix.add(texts, refs)
	for i, a := range items {
		html, _ := syndicate(a, zh, r)
		j, ok := ix.find(normalize.PlainText(html))
		switch {
		case !ok:
			q.fn++
		case j == i:
			q.tp++
		default:
			q.fpPositive++
		}
	}

	// Hard negatives: half the articles of each label are stored; each of
	// the other half, same topics, must find nothing.
	ix = newStoreIndex(tb, at)
	texts, refs = nil, nil
	seen := map[string]int{}
	var queries []article
	for i, a := range items {
		seen[a.Label]++
		if seen[a.Label]%2 == 0 {
			queries = append(queries, a)
			continue
		}
		texts, refs = append(texts, normalize.PlainText(a.Text)), append(refs, i)
	}
	ix.add(texts, refs)
	for _, a := range queries {
		q.negatives++
		if _, ok := ix.find(normalize.PlainText(a.Text)); ok {
			q.fpNegative++
		}
	}

	// Harder negatives: long entries (several articles of one topic run
	// together, as a digest or a long feature), and short entries of the
	// same topic that are none of them (one article, or one with a line of
	// another language added), sharing only the topic's common words.
	ix = newStoreIndex(tb, at)
	texts, refs = nil, nil
	byLabel := map[string][]article{}
	for _, a := range items {
		byLabel[a.Label] = append(byLabel[a.Label], a)
	}
	labels := make([]string, 0, len(byLabel))
	for l := range byLabel {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	var shorts []string
	for _, l := range labels {
		arts := byLabel[l]
		half := len(arts) / 2
		// Long entries from the first half, six articles each.
		for i := 0; i+6 <= half; i += 6 {
			var parts []string
			for _, a := range arts[i : i+6] {
				parts = append(parts, a.Text)
			}
			texts, refs = append(texts, normalize.PlainText(strings.Join(parts, "\n\n"))), append(refs, len(texts))
		}
		// Short entries from the second half.
		for i, a := range arts[half:] {
			text := a.Text
			if i%2 == 1 { // with a line of the other script added
				text += "\n" + otherScriptLine(zh)
			}
			shorts = append(shorts, normalize.PlainText(text))
		}
	}
	ix.add(texts, refs)
	for _, text := range shorts {
		if _, ok := dedup.NewSketch(text); !ok {
			continue
		}
		q.shortLong++
		if _, ok := ix.find(text); ok {
			q.fpShortLong++ // by hand: each is an article the set holds twice
		}
	}
	return q
}

// otherScriptLine is a line of common words in the other script, as a
// bilingual entry carries: English for a Chinese entry, Chinese for an
// English one.
func otherScriptLine(zh bool) string {
	if zh {
		return "For more news, follow us on our website and social media."
	}
	return "更多新闻请关注我们的网站和社交媒体。"
}

func TestDuplicateDetectionQuality(t *testing.T) {
	for _, set := range []struct {
		file string
		zh   bool
	}{{"en_dev.jsonl", false}, {"zh_dev.jsonl", true}} {
		items := loadEvalset(t, set.file)
		q := evaluate(t, items, set.zh)
		t.Logf("%s: %d positives, %d hard negatives, %d short-against-long negatives: precision %.3f, recall %.3f (tp %d, false matches %d on positives, %d on negatives, %d on short-against-long; missed %d; %d originals too short to sketch)",
			set.file, len(items), q.negatives, q.shortLong, q.precision(), q.recall(), q.tp, q.fpPositive, q.fpNegative, q.fpShortLong, q.fn, q.tooShort)
		if q.precision() < 0.98 || q.recall() < 0.90 {
			t.Errorf("%s: precision %.3f (want ≥ 0.98), recall %.3f (want ≥ 0.90)", set.file, q.precision(), q.recall())
		}
	}
}
