package related_test

import (
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
func measure(items []article, cfg related.Config) (precision, coverage float64) {
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
		hits := ix.Related(int64(i), 5)
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
	}{{"en_dev.jsonl", 0.72}, {"zh_dev.jsonl", 0.90}} {
		items := loadEvalset(t, set.file)
		p, c := measure(items, related.Config{})
		t.Logf("%s: precision@5 %.3f, coverage %.3f (%d items)", set.file, p, c, len(items))
		if p < set.precision || c < 0.95 {
			t.Errorf("%s: precision@5 %.3f (want ≥ %.2f), coverage %.3f (want ≥ 0.95)", set.file, p, set.precision, c)
		}
	}
}
