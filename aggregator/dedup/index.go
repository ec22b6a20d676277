package dedup

import (
	"sync"
	"time"
)

// indexKeys is how many of a sketch's smallest hashes are indexed. Two
// texts of which one mostly contains the other nearly always share one of
// them; two unrelated texts rarely do, and candidates are verified anyway.
const indexKeys = 8

// maxBucket bounds the entries looked at through one hash. A shingle that
// many entries share ("subscribe to our newsletter", a template) says
// nothing about which story an entry tells, and would make each lookup
// cost as much as the whole window; such buckets are skipped, as Hugo's
// related index skips terms that are too common.
const maxBucket = 64

// Doc is an entry as the index knows it.
type Doc struct {
	ID     int64  // the entry's row id
	Source int64  // the entry's source; entries of one source are never duplicates
	URL    string // canonical URL, may be empty
	At     time.Time
	Sketch Sketch // zero Size: the text is too short to compare
	// Original is the row id of the entry this one duplicates, or 0. A
	// match on a duplicate is reported as a match on its original, so
	// that copies of copies point to the first one.
	Original int64
}

// Match is the earlier entry that a new one duplicates.
type Match struct {
	ID    int64   // the original: never itself a duplicate
	Score float64 // estimated containment; 1 for a URL match
	ByURL bool
}

// Index holds the entries of the last window, for finding duplicates. It is
// safe for concurrent use.
type Index struct {
	window time.Duration

	mu     sync.Mutex
	docs   map[int64]*Doc
	byURL  map[string][]int64
	byHash map[uint32][]int64
	oldest time.Time // no doc is older; pruning is due past oldest+window
}

// NewIndex returns an empty index that compares an entry with the entries
// seen up to window before it.
func NewIndex(window time.Duration) *Index {
	return &Index{window: window, docs: map[int64]*Doc{}, byURL: map[string][]int64{}, byHash: map[uint32][]int64{}}
}

// Len returns how many entries the index holds.
func (ix *Index) Len() int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return len(ix.docs)
}

// Add puts d in the index, replacing an earlier version of the same entry.
func (ix *Index) Add(d Doc) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if old, ok := ix.docs[d.ID]; ok {
		ix.remove(old)
	}
	ix.docs[d.ID] = &d
	if d.URL != "" {
		ix.byURL[d.URL] = append(ix.byURL[d.URL], d.ID)
	}
	for _, h := range keys(d.Sketch) {
		ix.byHash[h] = append(ix.byHash[h], d.ID)
	}
	if ix.oldest.IsZero() || d.At.Before(ix.oldest) {
		ix.oldest = d.At
	}
}

// Remove drops the entry with id, if indexed.
func (ix *Index) Remove(id int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if d, ok := ix.docs[id]; ok {
		ix.remove(d)
	}
}

// Find returns the entry of another source, seen within the window before
// d.At, that d duplicates: one with the same URL, else the most similar text
// above Threshold. Among equals the earliest wins.
func (ix *Index) Find(d Doc) (Match, bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.pruneLocked(d.At)
	var best Match
	var bestAt time.Time
	found := false
	consider := func(id int64, m Match) {
		c := ix.docs[id]
		if c == nil || c.ID == d.ID || c.Source == d.Source || c.At.Before(d.At.Add(-ix.window)) {
			return
		}
		if c.Original != 0 {
			if o := ix.docs[c.Original]; o != nil && o.Source == d.Source {
				return // a copy of this source's own entry
			}
			m.ID = c.Original
		}
		if !found || m.Score > best.Score || (m.Score == best.Score && c.At.Before(bestAt)) {
			best, bestAt, found = m, c.At, true
		}
	}
	if d.URL != "" {
		for _, id := range ix.byURL[d.URL] {
			consider(id, Match{ID: id, Score: 1, ByURL: true})
		}
		if found {
			return best, true
		}
	}
	if d.Sketch.Size == 0 {
		return Match{}, false
	}
	checked := map[int64]bool{}
	for _, h := range keys(d.Sketch) {
		bucket := ix.byHash[h]
		if len(bucket) > maxBucket {
			continue
		}
		for _, id := range bucket {
			if checked[id] {
				continue
			}
			checked[id] = true
			c := ix.docs[id]
			if c == nil {
				continue
			}
			if s := Containment(d.Sketch, c.Sketch); s >= Threshold {
				consider(id, Match{ID: id, Score: s})
			}
		}
	}
	return best, found
}

// pruneLocked drops the entries that have left the window of an entry seen
// at now. It does the work at most once per window/8 of time.
func (ix *Index) pruneLocked(now time.Time) {
	cutoff := now.Add(-ix.window)
	if ix.oldest.IsZero() || !ix.oldest.Before(cutoff.Add(-ix.window/8)) {
		return
	}
	ix.oldest = time.Time{}
	for _, d := range ix.docs {
		if d.At.Before(cutoff) {
			ix.remove(d)
		} else if ix.oldest.IsZero() || d.At.Before(ix.oldest) {
			ix.oldest = d.At
		}
	}
}

func (ix *Index) remove(d *Doc) {
	delete(ix.docs, d.ID)
	if d.URL != "" {
		ix.byURL[d.URL] = without(ix.byURL[d.URL], d.ID)
		if len(ix.byURL[d.URL]) == 0 {
			delete(ix.byURL, d.URL)
		}
	}
	for _, h := range keys(d.Sketch) {
		ix.byHash[h] = without(ix.byHash[h], d.ID)
		if len(ix.byHash[h]) == 0 {
			delete(ix.byHash, h)
		}
	}
}

func keys(s Sketch) []uint32 {
	return s.Hashes[:min(indexKeys, len(s.Hashes))]
}

func without(ids []int64, id int64) []int64 {
	for i, x := range ids {
		if x == id {
			return append(ids[:i], ids[i+1:]...)
		}
	}
	return ids
}
