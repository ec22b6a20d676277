package related

import (
	"math"
	"slices"
)

// How the index forgets entries. It keeps no list of an entry's words, so
// it cannot find an entry's postings by itself: a forgotten entry leaves
// its slot dying, and a sweep of every posting list takes out the dying
// ones at once, counts their words down and forgets the words no entry
// has left. Sweeping once per sweepBatch forgotten entries costs a walk of
// the postings per batch, a few milliseconds for 10,000 entries, and the
// dying entries' postings wait for it, an eighth more at most. Queries and
// Terms sweep first, so that they count only the entries held.

// sweepBatch returns how many entries are forgotten between two sweeps in
// an index of at most maxEntries (for an index without a bound, the
// entries it holds).
func sweepBatch(maxEntries int) int { return max(16, maxEntries/8) }

func (ix *Index) sweepBatch() int {
	if ix.sweepAt > 0 {
		return ix.sweepAt
	}
	return sweepBatch(len(ix.byID))
}

// bound forgets the entries added longest ago while there are more than
// MaxEntries, or more terms than MaxVocabulary, and drops stale records of
// the order of addition.
func (ix *Index) bound() {
	limit, words := ix.cfg.MaxEntries, ix.cfg.MaxVocabulary
	if limit <= 0 {
		limit = math.MaxInt
	}
	if words <= 0 {
		words = math.MaxInt
	}
	i := 0
	// forgetOldest forgets the entry added longest ago; false if there is
	// none (every entry held has a record, so only when none is held).
	forgetOldest := func() bool {
		for ; i < len(ix.added); i++ {
			if ix.current(ix.added[i]) {
				ix.removeSlot(ix.byID[ix.added[i].id])
				i++
				return true
			}
		}
		return false
	}
	for len(ix.byID) > limit && forgetOldest() {
	}
	// Which words an entry takes with it is known when it is swept: the
	// oldest are forgotten a batch at a time (a 64th of the entries, at
	// least one, never the entry just added), then swept, until the
	// vocabulary fits.
	for forgot := true; forgot && ix.termIDs.n > words && len(ix.byID) > 1; {
		forgot = false
		for n := max(1, len(ix.byID)/64); n > 0 && len(ix.byID) > 1 && forgetOldest(); n-- {
			forgot = true
		}
		ix.sweep()
	}
	for i < len(ix.added) && !ix.current(ix.added[i]) {
		i++
	}
	ix.added = ix.added[i:]
	// Stale records behind the first current one (entries removed out of
	// order) are dropped when they outnumber the entries.
	if len(ix.added) > 2*len(ix.byID)+64 {
		ix.added = slices.DeleteFunc(ix.added, func(a addition) bool { return !ix.current(a) })
	}
}

// current reports whether a is the record of an entry the index holds as
// it was then added.
func (ix *Index) current(a addition) bool {
	slot, ok := ix.byID[a.id]
	return ok && ix.slots[slot].seq == a.seq
}

// Remove drops the entry with id, if indexed.
func (ix *Index) Remove(id int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if slot, ok := ix.byID[id]; ok {
		ix.removeSlot(slot)
		ix.bound()
		if len(ix.dying) >= ix.sweepBatch() {
			ix.sweep()
		}
	}
}

// removeSlot forgets the entry in slot; its postings stay until the next
// sweep.
func (ix *Index) removeSlot(slot uint32) {
	d := ix.slots[slot]
	ix.totalLen -= float64(d.length)
	delete(ix.byID, d.id)
	if ix.memory != nil {
		delete(ix.memory, d.id)
	}
	ix.slots[slot] = nil
	ix.dying = append(ix.dying, slot)
}

// sweep takes the dying slots out of every posting list and frees them.
// A word no entry has left is forgotten; a common word back to maxDocFreq
// entries has its postings made again (see postingList.restore).
func (ix *Index) sweep() {
	if len(ix.dying) == 0 {
		return
	}
	if n := (len(ix.slots) + 63) / 64; len(ix.dead) < n {
		ix.dead = make([]uint64, n)
	}
	for _, s := range ix.dying {
		ix.dead[s/64] |= 1 << (s % 64)
	}
	for t := range ix.postings {
		pl := &ix.postings[t]
		if pl.df == 0 {
			continue // a free term id
		}
		if pl.common {
			for _, s := range ix.dying {
				if pl.marked(s) {
					pl.unmark(s)
					pl.df--
				}
			}
		} else {
			pl.df -= int32(pl.drop(ix.dead, ix.width))
		}
		switch {
		case pl.df == 0:
			*pl = postingList{}
			ix.termIDs.del(ix.hashes[t], ix.hashes)
			ix.freeIDs = append(ix.freeIDs, uint32(t))
		case pl.common && pl.df <= maxDocFreq:
			pl.restore(ix.width)
		}
	}
	for _, s := range ix.dying {
		ix.dead[s/64] = 0
	}
	ix.free = append(ix.free, ix.dying...)
	ix.dying = ix.dying[:0]
}
