package aggregator

import (
	"context"
	"fmt"

	"github.com/tributary/tributary/aggregator/related"
	"github.com/tributary/tributary/aggregator/store"
)

// Related entries are computed once per entry, when it is first shown, and
// stored: a render reads them instead of ranking the index again. Stored
// hints are computed again when they may have gone stale:
//
//   - when many entries came after them (a quarter of what the index holds,
//     at least refreshMin), since any of those may rank above them;
//   - when an entry whose own hints are computed ranks one of them closer
//     than its weakest shown hint (a Challenger), since relatedness goes
//     both ways.
//
// An entry the index no longer holds keeps the hints it has.

// hintsKept is how many hints are stored per entry: related.max's ceiling,
// so that raising it in the config needs no recomputing.
const hintsKept = 20

// refreshMin is the fewest new entries after which stored hints are
// computed again.
const refreshMin = 100

// Hints returns up to limit related entries of each entry of ids, best
// first. complete is false when some were left to compute later (the
// index is loading, or the call's budget was spent: entries never computed
// come first, then ids in the order given); those entries have their stored
// hints, or none.
func (p *Poller) Hints(ctx context.Context, ids []int64, limit int) (hits map[int64][]related.Hit, complete bool, err error) {
	if p.related == nil || limit <= 0 || len(ids) == 0 {
		return nil, true, nil
	}
	stored, err := p.store.StoredHints(ctx, ids)
	if err != nil {
		return nil, false, err
	}
	newest, err := p.store.NewestID(ctx)
	if err != nil {
		return nil, false, err
	}
	out := make(map[int64][]related.Hit, len(ids))
	for id, sh := range stored {
		out[id] = fromStored(sh.Hints, limit)
	}
	if !p.relatedLoaded.Load() {
		return out, false, nil // the index is not ready: what is stored, as it is
	}
	refresh := int64(max(refreshMin, p.related.Len()/4))
	var missing, stale []int64
	for _, id := range ids {
		sh, ok := stored[id]
		switch {
		case ok && newest-sh.At < refresh:
		case !p.related.Has(id): // forgotten by the index (or never in it): keep what is stored
		case !ok:
			missing = append(missing, id)
		default:
			stale = append(stale, id)
		}
	}
	todo := append(missing, stale...)
	complete = true
	if p.hintBudget > 0 && len(todo) > p.hintBudget {
		todo, complete = todo[:p.hintBudget], false
	}
	var sets []store.HintSet
	var challengers []store.Challenger
	for _, id := range todo {
		hits, err := p.related.Related(ctx, id, hintsKept)
		if err != nil {
			return nil, false, fmt.Errorf("related entries of %d: %w", id, err)
		}
		set := store.HintSet{EntryID: id, Hints: make([]store.Hint, len(hits))}
		for i, h := range hits {
			set.Hints[i] = store.Hint{ID: h.ID, Score: h.Score}
			if i < limit {
				challengers = append(challengers, store.Challenger{Entry: h.ID, ID: id, Score: h.Score, Top: limit})
			}
		}
		sets = append(sets, set)
		out[id] = hits[:min(len(hits), limit)]
	}
	if p.keepHints {
		if err := p.store.SaveHints(context.WithoutCancel(ctx), sets, newest, challengers); err != nil {
			return nil, false, fmt.Errorf("related entries: %w", err)
		}
	}
	return out, complete, nil
}

// RelatedSize returns how many entries and distinct terms the
// related-entries index holds (0, 0 without one): what related.index_entries
// and related.index_terms bound.
func (p *Poller) RelatedSize() (entries, terms int) {
	if p.related == nil {
		return 0, 0
	}
	return p.related.Len(), p.related.Terms()
}

func fromStored(hints []store.Hint, limit int) []related.Hit {
	out := make([]related.Hit, 0, min(len(hints), limit))
	for _, h := range hints[:min(len(hints), limit)] {
		out = append(out, related.Hit{ID: h.ID, Score: h.Score})
	}
	return out
}
