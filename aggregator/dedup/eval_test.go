package dedup_test

import (
	"fmt"
	"math/rand/v2"
	"regexp"
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
}

func (q quality) precision() float64 {
	return float64(q.tp) / float64(max(1, q.tp+q.fpPositive+q.fpNegative))
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
	for i, a := range items {
		s, ok := dedup.NewSketch(normalize.PlainText(a.Text))
		if !ok {
			q.tooShort++
		}
		ix.Add(dedup.Doc{ID: int64(i), Source: 1, At: at, Sketch: s})
	}
	for i, a := range items {
		html, _ := syndicate(a, zh, r)
		s, _ := dedup.NewSketch(normalize.PlainText(html))
		m, ok := ix.Find(dedup.Doc{ID: int64(len(items) + i), Source: 2, At: at.Add(time.Hour), Sketch: s})
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
	seen := map[string]int{}
	var queries []article
	for i, a := range items {
		seen[a.Label]++
		if seen[a.Label]%2 == 0 {
			queries = append(queries, a)
			continue
		}
		s, _ := dedup.NewSketch(normalize.PlainText(a.Text))
		ix.Add(dedup.Doc{ID: int64(i), Source: 1, At: at, Sketch: s})
	}
	for i, a := range queries {
		s, _ := dedup.NewSketch(normalize.PlainText(a.Text))
		q.negatives++
		if _, ok := ix.Find(dedup.Doc{ID: int64(-1 - i), Source: 2, At: at.Add(time.Hour), Sketch: s}); ok {
			q.fpNegative++
		}
	}
	return q
}

func TestDuplicateDetectionQuality(t *testing.T) {
	for _, set := range []struct {
		file string
		zh   bool
	}{{"en_dev.jsonl", false}, {"zh_dev.jsonl", true}} {
		items := loadEvalset(t, set.file)
		q := evaluate(items, set.zh)
		t.Logf("%s: %d positives, %d hard negatives: precision %.3f, recall %.3f (tp %d, false matches %d on positives and %d on negatives, missed %d; %d originals too short to sketch)",
			set.file, len(items), q.negatives, q.precision(), q.recall(), q.tp, q.fpPositive, q.fpNegative, q.fn, q.tooShort)
		if q.precision() < 0.98 || q.recall() < 0.90 {
			t.Errorf("%s: precision %.3f (want ≥ 0.98), recall %.3f (want ≥ 0.90)", set.file, q.precision(), q.recall())
		}
	}
}
