package related_test

import (
	"context"
	"math"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator/evalset"
	"github.com/tributary/tributary/aggregator/normalize"
	"github.com/tributary/tributary/aggregator/related"
)

// The evaluation follows ../shared/evalsets/README.md: every item of a set
// is published as an entry, dates spread over two weeks (all inside the
// window), and the real index computes each entry's hints.
//
//	go test -run TestRelatedQuality -v ./aggregator/related/

type article = evalset.Article

func loadEvalset(tb testing.TB, name string) []article { return evalset.ForTest(tb, name) }

// measure returns precision@5 and coverage of the index's hints on items.
func measure(t testing.TB, items []article, cfg related.Config) (precision, coverage float64) {
	ix := related.New(cfg)
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i, a := range items {
		// Spread over two weeks; the set is grouped by label, so the
		// spread must not follow the order of the file.
		at := start.Add(time.Duration((i*7919)%(14*24*60)) * time.Minute)
		ix.Add(related.Doc{ID: int64(i), Title: a.Title, Text: normalize.PlainText(a.Text), At: at})
	}
	covered, sum := 0, 0.0
	for i, a := range items {
		hits, err := ix.Related(context.Background(), int64(i), 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 {
			continue
		}
		covered++
		same := 0
		for _, h := range hits {
			if items[h.ID].Label == a.Label {
				same++
			}
		}
		sum += float64(same) / float64(len(hits))
	}
	return sum / float64(max(1, covered)), float64(covered) / float64(len(items))
}

func TestRelatedQuality(t *testing.T) {
	for _, set := range []struct {
		file      string
		precision float64
	}{{"en_dev.jsonl", 0.74}, {"zh_dev.jsonl", 0.91}} {
		items := loadEvalset(t, set.file)
		p, c := measure(t, items, related.Config{})
		t.Logf("%s: precision@5 %.3f, coverage %.3f (%d items)", set.file, p, c, len(items))
		if p < set.precision || c < 0.95 {
			t.Errorf("%s: precision@5 %.3f (want ≥ %.2f), coverage %.3f (want ≥ 0.95)", set.file, p, set.precision, c)
		}
	}
}

// tfidfBaseline is plain TF-IDF over titles, the yardstick for headline
// feeds: the cosine of the titles' term vectors (raw term frequency times
// log(N/df)), the five best with any score, ties by position.
func tfidfBaseline(items []article) (precision, coverage float64) {
	docs := make([]map[string]float64, len(items))
	df := map[string]int{}
	for i, a := range items {
		docs[i] = map[string]float64{}
		for _, t := range related.Terms(a.Title) {
			docs[i][t]++
		}
		for t := range docs[i] {
			df[t]++
		}
	}
	n := float64(len(items))
	post := map[string][]int{}
	for i, d := range docs {
		norm := 0.0
		for t, tf := range d {
			w := tf * math.Log(n/float64(df[t]))
			d[t] = w
			norm += w * w
		}
		norm = math.Sqrt(norm)
		for t := range d {
			if norm > 0 {
				d[t] /= norm
			}
			post[t] = append(post[t], i)
		}
	}
	covered, sum := 0, 0.0
	for i, d := range docs {
		scores := map[int]float64{}
		for t, w := range d {
			for _, j := range post[t] {
				if j != i {
					scores[j] += w * docs[j][t]
				}
			}
		}
		type sc struct {
			j int
			s float64
		}
		var list []sc
		for j, s := range scores {
			if s > 0 {
				list = append(list, sc{j, s})
			}
		}
		if len(list) == 0 {
			continue
		}
		slices.SortFunc(list, func(a, b sc) int {
			if a.s != b.s {
				if a.s > b.s {
					return -1
				}
				return 1
			}
			return a.j - b.j
		})
		list = list[:min(5, len(list))]
		same := 0
		for _, x := range list {
			if items[x.j].Label == items[i].Label {
				same++
			}
		}
		covered++
		sum += float64(same) / float64(len(list))
	}
	return sum / float64(max(1, covered)), float64(covered) / float64(len(items))
}

// Headline-only feeds are common (Chinese portals publish a title and a
// link): with titles alone, nearly every entry still gets hints, and they
// are no worse than plain TF-IDF's on the same titles.
func TestRelatedQualityHeadlines(t *testing.T) {
	for _, file := range []string{"en_dev.jsonl", "zh_dev.jsonl"} {
		items := loadEvalset(t, file)
		titles := make([]article, len(items))
		for i, a := range items {
			titles[i] = a
			titles[i].Text = ""
		}
		p, c := measure(t, titles, related.Config{})
		bp, bc := tfidfBaseline(titles)
		t.Logf("%s, titles only: precision@5 %.3f, coverage %.3f; plain TF-IDF: %.3f, %.3f", file, p, c, bp, bc)
		if c < 0.95 || p < bp {
			t.Errorf("%s, titles only: precision@5 %.3f (want ≥ plain TF-IDF's %.3f), coverage %.3f (want ≥ 0.95)", file, p, bp, c)
		}
	}
}

// BenchmarkIndexMemory reports what the index holds for each development
// set (bytes of heap an entry, and terms), indexing the whole set once per
// iteration: the farm of the load test has few distinct words, and Chinese
// text, whose terms are pairs of characters, has many.
//
//	go test -run XXX -bench IndexMemory ./aggregator/related/
func BenchmarkIndexMemory(b *testing.B) {
	for _, file := range []string{"en_dev.jsonl", "zh_dev.jsonl"} {
		b.Run(file, func(b *testing.B) {
			items := loadEvalset(b, file)
			texts := make([]string, len(items))
			source := sliceTexts{items: items, texts: texts}
			for i, a := range items {
				texts[i] = normalize.PlainText(a.Text)
			}
			start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
			var heap, terms float64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				ix := related.New(related.Config{Texts: source}) // the texts are the store's, not the index's
				for i, a := range items {
					ix.Add(related.Doc{ID: int64(i), Title: a.Title, Text: texts[i], At: start.Add(time.Duration(i) * time.Minute)})
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				heap, terms = float64(after.HeapAlloc)-float64(before.HeapAlloc), float64(ix.Terms())
				runtime.KeepAlive(ix)
			}
			b.ReportMetric(heap/float64(len(items)), "heap-B/entry")
			b.ReportMetric(terms, "terms")
		})
	}
}

// sliceTexts gives the index the texts of a development set's items, by
// their index in it, as a store would.
type sliceTexts struct {
	items []article
	texts []string
}

func (s sliceTexts) Texts(_ context.Context, ids []int64, fn func(id int64, title, text string)) error {
	for _, id := range ids {
		if id >= 0 && int(id) < len(s.items) {
			fn(id, s.items[id].Title, s.texts[id])
		}
	}
	return nil
}
