package dedup

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
	"time"
)

// KeyCount is how many of a sketch's smallest hashes are its keys, under
// which the store finds candidates. Two texts of which one mostly contains
// the other nearly always share one of them; two unrelated texts rarely do,
// and candidates are verified anyway.
const KeyCount = 8

// PerKey bounds the entries looked at through one key, the newest first.
// Keys chosen by Keys are rarely near it (see CrowdedKey); it bounds the
// cost of a lookup whatever happens.
const PerKey = 256

// CrowdedKey is how many entries of the dedup window may choose one key. A
// key that many entries share ("subscribe to our newsletter", a template,
// a phrase of a small vocabulary) says nothing about which story an entry
// tells, and reading its entries is most of a lookup's cost. So a new
// entry passes over crowded keys and takes its next smallest hashes
// instead: a copy of an earlier entry still shares most of that entry's
// keys, since keys only become crowded, one by one. The crowded keys among
// its KeyCount smallest are still looked at, for their newest
// CrowdedPerKey entries: the copies of a story published by more than
// CrowdedKey sources are found through them.
const (
	CrowdedKey    = 64
	CrowdedPerKey = 16
)

// MinSharedKeys is how many keys a stored entry must share with a new one to
// be a candidate (or all of them, when the new one has fewer).
const MinSharedKeys = 2

// maxCandidates bounds the candidates verified for one entry.
const maxCandidates = 16

// Keys returns the keys of a sketch (none for a text too short to
// compare): its KeyCount smallest hashes that are not crowded, which the
// entry is stored under, and the crowded ones among its KeyCount smallest,
// which are looked at too but only for their newest entries (see
// CrowdedKey). A nil crowded counts no key as crowded.
func Keys(s Sketch, crowded func(uint32) bool) (keys, crowdedKeys []uint32) {
	for i, h := range s.Hashes {
		switch {
		case len(keys) == KeyCount:
			return keys, crowdedKeys
		case crowded != nil && crowded(h):
			if i < KeyCount {
				crowdedKeys = append(crowdedKeys, h)
			}
		default:
			keys = append(keys, h)
		}
	}
	return keys, crowdedKeys
}

// Doc is a new entry, as duplicate detection sees it.
type Doc struct {
	Source int64  // the entry's source; entries of one source are never duplicates
	URL    string // canonical URL, may be empty
	Sketch Sketch // zero Size: the text is too short to compare
}

// Candidate is a stored entry that shares a URL or a key with a new one, as
// the store finds it.
type Candidate struct {
	ID        int64
	Source    int64
	FirstSeen time.Time
	Sketch    Sketch
	ByURL     bool // found by URL rather than by key
	// Original is the entry this one duplicates (0: none), with its
	// source and first-seen time: a match on a copy is a match on its
	// original, so that copies of copies point to the first one.
	Original          int64
	OriginalSource    int64
	OriginalFirstSeen time.Time
}

// Match is the earlier entry that a new one duplicates.
type Match struct {
	ID    int64   // the original: never itself a duplicate
	Score float64 // containment: estimated by Rank, exact from Decide; 1 for a URL match
	ByURL bool
}

// Rank orders the candidates of d, most likely first: URL matches (for a
// URL that names an article), then those whose sketches suggest that one
// text contains the other (estimated containment at least
// CandidateThreshold), at most maxCandidates. Each is reported as the
// first-seen entry of its story. Among equals the earliest comes first.
func Rank(d Doc, cands []Candidate) []Match {
	best := map[int64]Match{}
	at := map[int64]time.Time{}
	for _, c := range cands {
		if c.Source == d.Source {
			continue
		}
		m := Match{ID: c.ID, ByURL: c.ByURL}
		switch {
		case c.ByURL:
			if !MatchableURL(d.URL) {
				continue
			}
			m.Score = 1
		case d.Sketch.Size == 0:
			continue
		default:
			if m.Score = Containment(d.Sketch, c.Sketch); m.Score < CandidateThreshold {
				continue
			}
		}
		first := c.FirstSeen
		if c.Original != 0 {
			if c.OriginalSource == d.Source {
				continue // a copy of this source's own entry
			}
			m.ID = c.Original
			if !c.OriginalFirstSeen.IsZero() {
				first = c.OriginalFirstSeen
			}
		}
		if prev, ok := best[m.ID]; !ok || m.Score > prev.Score || (m.ByURL && !prev.ByURL) {
			best[m.ID], at[m.ID] = m, first
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

// Decide returns the entry that d, whose plain text is body, duplicates:
// the first of its ranked candidates that is a URL match, or whose own text
// (from text, which looks an entry up by id) Verify confirms. A copy is thus
// only ever pointed at the first-seen entry of a story when it verifies
// against that entry itself; an estimate never decides alone.
func Decide(d Doc, body string, cands []Candidate, text func(id int64) (string, bool)) (Match, bool) {
	var own map[uint64]struct{} // body's shingles, made once
	for _, m := range Rank(d, cands) {
		if m.ByURL {
			return m, true
		}
		other, ok := text(m.ID)
		if !ok {
			continue
		}
		if own == nil {
			own = shingles(body)
		}
		if score, same := verify(own, shingles(other)); same {
			m.Score = score
			return m, true
		}
	}
	return Match{}, false
}

// MatchableURL reports whether a URL identifies an article well enough for
// two entries that share it to be one story: a site's home page, which
// feeds give as the link of items that have none of their own, does not.
func MatchableURL(u string) bool {
	if u == "" {
		return false
	}
	p, err := url.Parse(u)
	return err == nil && (strings.Trim(p.Path, "/") != "" || p.RawQuery != "")
}
