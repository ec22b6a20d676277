package dedup

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
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
	Score float64 // containment: estimated by Candidates, exact from Find; 1 for a URL match
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

// maxCandidates bounds the candidates verified for one entry.
const maxCandidates = 16

// Candidates returns the entries of other sources, seen within the window
// before d.At, that d may duplicate, most likely first: those with d's URL
// (ByURL, Score 1), then those whose sketches suggest that one text
// contains the other (Score at least CandidateThreshold), at most
// maxCandidates. Each is reported as the first-seen entry of its story (a
// copy as its original). Among equals the earliest comes first.
func (ix *Index) Candidates(d Doc) []Match {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.pruneLocked(d.At)
	best := map[int64]Match{}
	at := map[int64]time.Time{}
	consider := func(id int64, m Match) {
		c := ix.docs[id]
		if c == nil || c.ID == d.ID || c.Source == d.Source || c.At.Before(d.At.Add(-ix.window)) {
			return
		}
		m.ID, at[id] = id, c.At
		if c.Original != 0 {
			o := ix.docs[c.Original]
			if o != nil && o.Source == d.Source {
				return // a copy of this source's own entry
			}
			m.ID = c.Original
			if o != nil {
				at[m.ID] = o.At
			} else {
				at[m.ID] = c.At
			}
		}
		if prev, ok := best[m.ID]; !ok || m.Score > prev.Score || (m.ByURL && !prev.ByURL) {
			best[m.ID] = m
		}
	}
	if matchableURL(d.URL) {
		for _, id := range ix.byURL[d.URL] {
			consider(id, Match{Score: 1, ByURL: true})
		}
	}
	if d.Sketch.Size > 0 {
		checked := map[int64]bool{}
		for _, h := range keys(d.Sketch) {
			bucket := ix.byHash[h]
			// A crowded bucket (a shingle many entries share, such as a
			// site's boilerplate) is read from its newest end: copies are
			// published close together, and skipping the bucket instead
			// let real copies escape once thousands of feeds were read.
			bucket = bucket[max(0, len(bucket)-maxBucket):]
			for _, id := range bucket {
				if checked[id] {
					continue
				}
				checked[id] = true
				if c := ix.docs[id]; c != nil {
					if s := Containment(d.Sketch, c.Sketch); s >= CandidateThreshold {
						consider(id, Match{Score: s})
					}
				}
			}
		}
	}
	out := make([]Match, 0, len(best))
	for _, m := range best {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Match) int {
		switch {
		case a.ByURL != b.ByURL:
			if a.ByURL {
				return -1
			}
			return 1
		case a.Score != b.Score:
			return cmp.Compare(b.Score, a.Score)
		case !at[a.ID].Equal(at[b.ID]):
			return at[a.ID].Compare(at[b.ID])
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out[:min(len(out), maxCandidates)]
}

// Find returns the entry that d, whose plain text is body, duplicates: the
// first of its Candidates that is a URL match, or whose own text (from
// text, which looks an entry up by id) Verify confirms. A copy is thus only
// ever pointed at the first-seen entry of a story when it verifies against
// that entry itself.
func (ix *Index) Find(d Doc, body string, text func(id int64) (string, bool)) (Match, bool) {
	for _, m := range ix.Candidates(d) {
		if m.ByURL {
			return m, true
		}
		other, ok := text(m.ID)
		if !ok {
			continue
		}
		if score, same := Verify(body, other); same {
			m.Score = score
			return m, true
		}
	}
	return Match{}, false
}

// matchableURL reports whether a URL identifies an article well enough for
// two entries that share it to be one story: a site's home page, which
// feeds give as the link of items that have none of their own, does not.
func matchableURL(u string) bool {
	if u == "" {
		return false
	}
	p, err := url.Parse(u)
	return err == nil && (strings.Trim(p.Path, "/") != "" || p.RawQuery != "")
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
