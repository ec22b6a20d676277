package aggregator_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator/entry"
	"github.com/tributary/tributary/aggregator/related"
	"github.com/tributary/tributary/aggregator/store"
)

// synthText returns n words drawn from a Zipf-distributed vocabulary of
// 20,000 made-up words, like the word frequencies of real text.
func synthText(r *rand.Rand, z *rand.Zipf, n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = fmt.Sprintf("w%x", z.Uint64())
	}
	return strings.Join(words, " ")
}

func synthDocs(n int) []related.Doc {
	r := rand.New(rand.NewPCG(7, 7))
	z := rand.NewZipf(r, 1.1, 1, 20000)
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	docs := make([]related.Doc, n)
	for i := range docs {
		docs[i] = related.Doc{ID: int64(i + 1), Title: synthText(r, z, 8), Text: synthText(r, z, 60), At: at.Add(time.Duration(i) * time.Minute / 4)}
	}
	return docs
}

// BenchmarkRelatedAddTo100k adds one entry to an index of 100,000.
func BenchmarkRelatedAddTo100k(b *testing.B) {
	docs := synthDocs(100_000 + 1000)
	ix := related.New(related.Config{})
	for _, d := range docs[:100_000] {
		ix.Add(d)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d := docs[100_000+i%1000]
		ix.Add(d)
		b.StopTimer()
		ix.Remove(d.ID) // keep the index at 100,000
		b.StartTimer()
	}
}

// BenchmarkRelatedQuery100k asks for the hints of one entry of 100,000:
// what rendering a feed costs per entry before the cache.
func BenchmarkRelatedQuery100k(b *testing.B) {
	docs := synthDocs(100_000)
	ix := related.New(related.Config{})
	for _, d := range docs {
		ix.Add(d)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := ix.Related(context.Background(), docs[(i*7919)%len(docs)].ID, 5); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRelatedWindow10k adds entries to an index bounded to the
// default related.index_entries (10,000), each forgetting the oldest, and
// asks for the hints of each, as the daemon does during an ingest.
func BenchmarkRelatedWindow10k(b *testing.B) {
	docs := synthDocs(20_000)
	ix := related.New(related.Config{MaxEntries: 10_000})
	for _, d := range docs[:10_000] {
		ix.Add(d)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d := docs[10_000+i%10_000]
		d.ID = int64(20_000 + i)
		ix.Add(d)
		if _, err := ix.Related(context.Background(), d.ID, 5); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRelatedPrepare reads one entry's text into weighted terms: a
// 400-word body in English with a Chinese paragraph, and a title.
func BenchmarkRelatedPrepare(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 7))
	z := rand.NewZipf(r, 1.1, 1, 20000)
	d := related.Doc{Title: synthText(r, z, 8), Text: synthText(r, z, 400) + " 河流管理局周二表示，新建的鱼梯在第一个月里已将四千多条鲑鱼送往上游，比预期多一倍。"}
	ix := related.New(related.Config{MaxEntries: 10_000})
	b.ReportAllocs()
	for b.Loop() {
		ix.Prepare(d)
	}
}

// BenchmarkRelatedRebuild100k rebuilds the index of 100,000 entries from
// SQLite, as the daemon does at start.
func BenchmarkRelatedRebuild100k(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var srcs []store.SourceConfig
	for s := range 100 {
		srcs = append(srcs, store.SourceConfig{URL: fmt.Sprintf("https://s%d.example/feed", s), Location: "x"})
	}
	if err := st.SyncSources(ctx, srcs); err != nil {
		b.Fatal(err)
	}
	docs := synthDocs(100_000)
	for s := range 100 {
		var entries []entry.Entry
		for _, d := range docs[s*1000 : (s+1)*1000] {
			entries = append(entries, entry.Entry{Key: fmt.Sprint(d.ID), Title: d.Title, ContentText: d.Text, Published: d.At, Hash: "h"})
		}
		if _, _, err := st.SavePoll(ctx, store.Poll{SourceURL: srcs[s].URL, At: docs[0].At, Entries: entries}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		texts, err := st.Texts(ctx, 0)
		if err != nil {
			b.Fatal(err)
		}
		ix := related.New(related.Config{})
		for _, t := range texts {
			ix.Add(related.Doc{ID: t.RowID, Title: t.Title, Text: t.Text, At: t.At, Group: t.DuplicateOf, Categories: t.Categories})
		}
		if ix.Len() != 100_000 {
			b.Fatalf("rebuilt %d entries", ix.Len())
		}
	}
}
