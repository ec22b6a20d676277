package aggregator

import (
	"context"
	"time"

	"github.com/tributary/tributary/aggregator/dedup"
	"github.com/tributary/tributary/aggregator/entry"
	"github.com/tributary/tributary/aggregator/store"
	"github.com/tributary/tributary/config/redact"
)

// markDuplicates gives the entries of a poll that are to be saved (work)
// their duplicate keys, and points those that copy an entry of another
// source at it (DuplicateOf). stored holds the hashes of the source's
// entries already stored: those are not looked up again. The caller holds
// saveMu, so that every entry saved before is in the index.
func (p *Poller) markDuplicates(ctx context.Context, sourceID int64, sourceURL string, entries []entry.Entry, work []bool, sketches []dedup.Sketch, stored map[string]string, at time.Time) {
	// Candidates come from the store's duplicate index and are verified
	// against their stored texts; a failed read only means that a
	// candidate is not taken.
	var readErr error
	storedText := func(id int64) (string, bool) {
		text, ok, err := p.store.ContentText(context.WithoutCancel(ctx), id)
		if err != nil {
			readErr = err
		}
		return text, ok
	}
	// Each new entry's keys are chosen, and the lookups it needs gathered;
	// then one batch of statements finds the candidates of all of them.
	since := at.Add(-p.dedupWindow)
	var queries []store.DupQuery
	var asking []int // the entry of each query
	for i := range entries {
		e := &entries[i]
		if !work[i] {
			continue
		}
		// Keys are chosen here, one entry after another, since which keys
		// are crowded depends on the entries saved before.
		var crowded []uint32
		e.DedupKeys, crowded = dedup.Keys(sketches[i], p.crowded)
		if _, seen := stored[e.Key]; seen || p.dedupWindow <= 0 {
			continue
		}
		q := store.DupQuery{SourceID: sourceID, Keys: e.DedupKeys, Crowded: crowded, Since: since,
			Shared: min(dedup.MinSharedKeys, len(e.DedupKeys)+len(crowded))}
		if dedup.MatchableURL(e.URL) {
			q.URL = e.URL
		}
		if p.dupFilter != nil {
			// Only the keys that some stored entry may have are looked up;
			// with fewer than a candidate must share, and no URL that may
			// be stored, there is certainly no candidate.
			var urlSeen bool
			urlSeen, q.Keys = p.dupFilter.Seen(q.URL, q.Keys)
			_, q.Crowded = p.dupFilter.Seen("", q.Crowded)
			if !urlSeen {
				q.URL = ""
			}
			if !urlSeen && (q.Shared == 0 || len(q.Keys)+len(q.Crowded) < q.Shared) {
				continue
			}
		}
		queries, asking = append(queries, q), append(asking, i)
	}
	if len(queries) > 0 {
		all, err := p.store.DupCandidatesAll(context.WithoutCancel(ctx), queries)
		if err != nil {
			readErr = err
		}
		for j, cands := range all {
			e := &entries[asking[j]]
			doc := dedup.Doc{Source: sourceID, URL: e.URL, Sketch: sketches[asking[j]]}
			if m, ok := dedup.Decide(doc, e.ContentText, cands, storedText); ok {
				e.DuplicateOf = m.ID
			}
		}
	}
	if readErr != nil {
		p.log.Warn("duplicate check could not read the store", "source", redact.URL(sourceURL), "err", readErr)
	}
}

// sketch computes the text sketch of each entry with work[i] set, from its
// text in NFKC form (texts[i]), for duplicate detection, and stores it
// encoded in the entry.
func sketch(entries []entry.Entry, texts []string, work []bool) []dedup.Sketch {
	out := make([]dedup.Sketch, len(entries))
	for i := range entries {
		if !work[i] {
			continue
		}
		if s, ok := dedup.NewSketchNFKC(texts[i]); ok {
			out[i] = s
			entries[i].Sketch, _ = s.MarshalBinary()
		}
	}
	return out
}
