package dedup_test

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator/dedup"
	"github.com/tributary/tributary/aggregator/evalset"
	"github.com/tributary/tributary/aggregator/normalize"
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

func evaluate(items []article, zh bool) quality {
	r := rand.New(rand.NewPCG(1, 2))
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var q quality

	// Positives: every original is indexed under source 1, and its
	// variant, from source 2, must find it.
	ix := dedup.NewIndex(7 * 24 * time.Hour)
	texts := map[int64]string{} // the store: what Find verifies against
	lookup := func(id int64) (string, bool) { t, ok := texts[id]; return t, ok }
	for i, a := range items {
		text := normalize.PlainText(a.Text)
		s, ok := dedup.NewSketch(text)
		if !ok {
			q.tooShort++
		}
		texts[int64(i)] = text
		ix.Add(dedup.Doc{ID: int64(i), Source: 1, At: at, Sketch: s})
	}
	for i, a := range items {
		html, _ := syndicate(a, zh, r)
		text := normalize.PlainText(html)
		s, _ := dedup.NewSketch(text)
		m, ok := ix.Find(dedup.Doc{ID: int64(len(items) + i), Source: 2, At: at.Add(time.Hour), Sketch: s}, text, lookup)
		switch {
		case !ok:
			q.fn++
		case m.ID == int64(i):
			q.tp++
		default:
			q.fpPositive++
		}
	}

	// Hard negatives: half the articles of each label are indexed; each of
	// the other half, same topics, must find nothing.
	ix = dedup.NewIndex(7 * 24 * time.Hour)
	clear(texts)
	seen := map[string]int{}
	var queries []article
	for i, a := range items {
		seen[a.Label]++
		if seen[a.Label]%2 == 0 {
			queries = append(queries, a)
			continue
		}
		text := normalize.PlainText(a.Text)
		s, _ := dedup.NewSketch(text)
		texts[int64(i)] = text
		ix.Add(dedup.Doc{ID: int64(i), Source: 1, At: at, Sketch: s})
	}
	for i, a := range queries {
		text := normalize.PlainText(a.Text)
		s, _ := dedup.NewSketch(text)
		q.negatives++
		if _, ok := ix.Find(dedup.Doc{ID: int64(-1 - i), Source: 2, At: at.Add(time.Hour), Sketch: s}, text, lookup); ok {
			q.fpNegative++
		}
	}

	// Harder negatives: long entries (several articles of one topic run
	// together, as a digest or a long feature), and short entries of the
	// same topic that are none of them (one article, or one with a line of
	// another language added), sharing only the topic's common words.
	ix = dedup.NewIndex(7 * 24 * time.Hour)
	clear(texts)
	byLabel := map[string][]article{}
	for _, a := range items {
		byLabel[a.Label] = append(byLabel[a.Label], a)
	}
	labels := make([]string, 0, len(byLabel))
	for l := range byLabel {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	id := int64(0)
	for _, l := range labels {
		arts := byLabel[l]
		half := len(arts) / 2
		// Long entries from the first half, six articles each.
		for i := 0; i+6 <= half; i += 6 {
			var parts []string
			for _, a := range arts[i : i+6] {
				parts = append(parts, a.Text)
			}
			text := normalize.PlainText(strings.Join(parts, "\n\n"))
			s, _ := dedup.NewSketch(text)
			id++
			texts[id] = text
			ix.Add(dedup.Doc{ID: id, Source: 1, At: at, Sketch: s})
		}
		// Short entries from the second half.
		for i, a := range arts[half:] {
			text := a.Text
			if i%2 == 1 { // with a line of the other script added
				text += "\n" + otherScriptLine(zh)
			}
			text = normalize.PlainText(text)
			s, ok := dedup.NewSketch(text)
			if !ok {
				continue
			}
			q.shortLong++
			if _, ok := ix.Find(dedup.Doc{ID: -100000 - int64(i), Source: 2, At: at.Add(time.Hour), Sketch: s}, text, lookup); ok {
				q.fpShortLong++ // by hand: each is an article the set holds twice
			}
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
		q := evaluate(items, set.zh)
		t.Logf("%s: %d positives, %d hard negatives, %d short-against-long negatives: precision %.3f, recall %.3f (tp %d, false matches %d on positives, %d on negatives, %d on short-against-long; missed %d; %d originals too short to sketch)",
			set.file, len(items), q.negatives, q.shortLong, q.precision(), q.recall(), q.tp, q.fpPositive, q.fpNegative, q.fpShortLong, q.fn, q.tooShort)
		if q.precision() < 0.98 || q.recall() < 0.90 {
			t.Errorf("%s: precision %.3f (want ≥ 0.98), recall %.3f (want ≥ 0.90)", set.file, q.precision(), q.recall())
		}
	}
}
