// Package related finds, for each entry, the other entries most like it: a
// self-contained index in the manner of Hugo's related package.
//
//	ix := related.New(related.Config{Window: 30 * 24 * time.Hour})
//	ix.Add(related.Doc{ID: 1, Title: "…", Text: "…", At: t})
//	hits := ix.Related(1, 5)
//
// Texts are scored by BM25 over Terms (title terms counted TitleWeight
// times), relative to the entry's score against itself, so that a score is
// comparable across entries. Shared categories lift a score, distance in
// time softens it, and terms in too many entries are ignored. An entry is
// never related to itself or to its duplicates (entries of one Group).
package related

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/tributary/tributary/aggregator/hashsort"
)

// Config tunes an Index. Zero fields take the defaults below.
type Config struct {
	Window       time.Duration // only entries this close in time are related (default 30 days)
	TitleWeight  float64       // a title term counts as this many body terms (default 1.5)
	MinScore     float64       // hints scoring less are dropped (default 0.1)
	MaxDocShare  float64       // terms in a larger share of entries are ignored (default 0.2)
	CategoryLift float64       // score multiplied by 1+CategoryLift per shared category (default 0.15)
	Feedback     float64       // weight of the top entries' words in the second pass; negative: none (default 1)
	FeedbackDocs int           // how many top entries lend their words (default 20)
	MaxTerms     int           // only the first MaxTerms terms of a text are indexed (default 2000)
	// MaxEntries bounds the index: adding an entry beyond it forgets the
	// entry added longest ago, so that memory does not grow with the
	// archive. 0: unbounded.
	MaxEntries int
	// MaxVocabulary bounds the distinct terms the index holds: while an
	// addition leaves more, the entries added longest ago are forgotten, a
	// 64th of the entries at a time (never the one just added). A term
	// costs about 60-90 bytes whatever its entries. Chinese or Japanese
	// text, whose terms are the pairs of characters, brings hundreds of
	// new ones an entry, and a hostile text up to MaxTerms: MaxEntries
	// alone does not bound the memory. 0: unbounded.
	MaxVocabulary int
	K1, B         float64 // BM25's term-frequency saturation and length normalisation (defaults 3, 0.75)
	// Texts gives the index entries' titles and texts again when a query
	// needs their words: the index keeps no text and no list of an entry's
	// words, only the postings of each word. nil: the index keeps each
	// entry's title and text itself, which suits small indexes and tests.
	Texts TextSource
}

// TextSource gives the titles and texts of entries by id, as they were
// added: a query reads its entry's words, and those of the entries that
// lend it theirs, again from them.
type TextSource interface {
	// Texts calls fn with the title and plain text of each entry of ids
	// it has, in any order.
	Texts(ctx context.Context, ids []int64, fn func(id int64, title, text string)) error
}

func (c Config) withDefaults() Config {
	if c.Window == 0 {
		c.Window = 30 * 24 * time.Hour
	}
	if c.TitleWeight == 0 {
		c.TitleWeight = 1.5
	}
	if c.MinScore == 0 {
		c.MinScore = 0.1
	}
	if c.MaxDocShare == 0 {
		c.MaxDocShare = 0.2
	}
	if c.CategoryLift == 0 {
		c.CategoryLift = 0.15
	}
	if c.Feedback == 0 {
		c.Feedback = 1
	}
	if c.FeedbackDocs == 0 {
		c.FeedbackDocs = 20
	}
	if c.MaxTerms == 0 {
		c.MaxTerms = 2000
	}
	if c.K1 == 0 {
		c.K1 = 3
	}
	if c.B == 0 {
		c.B = 0.75
	}
	return c
}

// Doc is an entry as the index sees it.
type Doc struct {
	ID         int64
	Title      string
	Text       string // plain text
	Categories []string
	At         time.Time
	// Group is the same for an entry and its duplicates (the id of the
	// first-seen copy); 0 means the entry has none.
	Group int64
	// NFKC says Title and Text are already in Unicode's NFKC form
	// (norm.NFKC.String), normalised once by a caller that has other uses
	// for them.
	NFKC bool
}

// Hit is a related entry and its score, higher is closer.
type Hit struct {
	ID    int64
	Score float64
}

// doc is what the index keeps of an entry beside its postings. Its words
// are not kept: a query reads them again from the entry's text (see
// Config.Texts), which costs less than a list of every entry's words.
type doc struct {
	id         int64
	group      int64
	at         time.Time
	categories []string
	length     float32
	headline   bool   // a title with little or no body
	seq        uint64 // when it was added
}

// memText is an entry's title and text, kept by an index without a
// TextSource.
type memText struct{ title, text string }

// termHash is a term's key in the vocabulary: 64 bits, so that two of the
// millions of terms of a large archive share one with odds of about 1 in
// 10^7, and a collision would only make two words one.
func termHash(t string) uint64 {
	h := uint64(14695981039346656037) // FNV-1a, written out to spare hash.Hash's allocations
	for i := 0; i < len(t); i++ {
		h = (h ^ uint64(t[i])) * 1099511628211
	}
	return h
}

// A term's weighted frequency is kept in a byte, in steps of 1/tfScale:
// frequencies are 1 + ln(count), so a byte reaches counts in the
// thousands.
const tfScale = 16

func quantize(w float64) uint8 { return uint8(min(255, max(1, math.Round(w*tfScale)))) }

func dequantize(q uint8) float64 { return float64(q) / tfScale }

// Index holds entries and answers which are related. It is safe for
// concurrent use.
type Index struct {
	cfg Config

	mu       sync.RWMutex
	width    int    // of a posting: see postingList
	slots    []*doc // by slot; nil when free or dying
	free     []uint32
	dying    []uint32 // slots of entries forgotten but still in postings, until the next sweep
	dead     []uint64 // sweep's scratch: the dying slots as bits
	byID     map[int64]uint32
	memory   map[int64]memText // the entries' texts, without a TextSource
	termIDs  termTable         // by hash of the term (hashes[id]): the words themselves are not kept
	postings []postingList     // by term id
	hashes   []uint64          // by term id: its hash, to forget it when no entry has it
	freeIDs  []uint32          // term ids no entry has, for reuse
	totalLen float64
	dropAt   int32     // dropDocFreq; tests raise it to compare with an index that never drops
	sweepAt  int       // entries forgotten between two sweeps, for a bounded index (0: see sweepBatch)
	scratch  sync.Pool // of *accumulator, for queries

	// added holds the entries in the order they were added, for forgetting
	// the oldest when MaxEntries is reached; an entry removed or replaced
	// since leaves a stale record, told apart by its sequence number.
	added []addition
	seq   uint64
}

type addition struct {
	id  int64
	seq uint64
}

// Terms returns how many distinct terms the index holds: the terms of the
// entries it has, no more (a term is forgotten with its last entry).
func (ix *Index) Terms() int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.sweep()
	return ix.termIDs.n
}

// New returns an empty Index.
func New(cfg Config) *Index {
	ix := &Index{cfg: cfg.withDefaults(), byID: map[int64]uint32{}, dropAt: dropDocFreq}
	if cfg.Texts == nil {
		ix.memory = map[int64]memText{}
	}
	// Slots go up to MaxEntries plus those of the entries forgotten since
	// the last sweep, less one: the entry added beyond MaxEntries is in
	// the index for a moment before the oldest is forgotten.
	slots := 0
	if cfg.MaxEntries > 0 {
		ix.sweepAt = sweepBatch(cfg.MaxEntries)
		slots = cfg.MaxEntries + ix.sweepAt
	}
	ix.width = postingWidth(slots)
	return ix
}

// MaxEntries returns how many entries the index holds at most, 0 for no
// bound.
func (ix *Index) MaxEntries() int { return ix.cfg.MaxEntries }

// MaxVocabulary returns how many distinct terms the index holds at most,
// 0 for no bound.
func (ix *Index) MaxVocabulary() int { return ix.cfg.MaxVocabulary }

// Has reports whether the index holds the entry with id.
func (ix *Index) Has(id int64) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, ok := ix.byID[id]
	return ok
}

// Len returns how many entries the index holds.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.byID)
}

// Prepared is a Doc with its text already turned into weighted terms.
type Prepared struct {
	doc Doc
	// terms are the text's terms, by hash, each once: the top 56 bits of
	// its termHash, and its quantized weight in the low byte (one number,
	// half the memory of a hash and a float beside it).
	terms    []uint64
	headline bool
}

// termKey is the part of a term's hash that names it in the index.
func termKey(h uint64) uint64 { return h &^ 0xff }

// termScratch holds the slices a text's term hashes are gathered in before
// they are counted (the title's and the body's, at most MaxTerms long),
// and the one they are sorted with.
var termScratch = sync.Pool{New: func() any { return new([3][]uint64) }}

const maxScratch = 1 << 12

// Prepare does the costly part of Add, the reading of the text, without
// touching the index, so that it can run in parallel with other work.
func (ix *Index) Prepare(d Doc) Prepared {
	if !d.NFKC {
		d.Title, d.Text = norm.NFKC.String(d.Title), norm.NFKC.String(d.Text)
	}
	// Terms are counted by sorting their hashes, not in a map: fewer
	// allocations, and the terms come out in one order every time.
	scratch := termScratch.Get().(*[3][]uint64)
	defer func() {
		if cap(scratch[0]) <= maxScratch && cap(scratch[2]) <= maxScratch { // a title of thousands of words is not kept
			termScratch.Put(scratch)
		}
	}()
	title, body := scratch[0][:0], scratch[1][:0]
	eachTerm(d.Title, func(t string) { title = append(title, termHash(t)) })
	n := 0
	eachTerm(d.Text, func(t string) {
		if n++; n <= ix.cfg.MaxTerms {
			body = append(body, termHash(t))
		}
	})
	scratch[0], scratch[1] = title, body
	scratch[2] = hashsort.Sort(title, scratch[2])
	scratch[2] = hashsort.Sort(body, scratch[2])
	// The terms are counted once to make the list at its exact size: a
	// guess was short for most texts, and growing it was half of what
	// preparing allocated.
	terms := make([]uint64, 0, mergeDistinct(title, body, nil))
	mergeDistinct(title, body, func(h uint64, inTitle, inBody int) {
		if n := len(terms); n > 0 && termKey(terms[n-1]) == termKey(h) {
			return // two terms whose hashes differ only in the low byte: one term
		}
		w := float32(inTitle)*float32(ix.cfg.TitleWeight) + float32(inBody)
		w = 1 + float32(math.Log(float64(w))) // sublinear: the tenth use of a word says less than the second
		terms = append(terms, termKey(h)|uint64(quantize(float64(w))))
	})
	if ix.memory == nil {
		d.Title, d.Text = "", "" // read again from the TextSource when needed
	}
	return Prepared{doc: d, terms: terms, headline: n < shortText}
}

// mergeDistinct walks the distinct hashes of two sorted slices in order,
// calling fn (if not nil) with each and how many times each slice has it;
// it returns how many there are.
func mergeDistinct(a, b []uint64, fn func(h uint64, inA, inB int)) int {
	n, i, j := 0, 0, 0
	for i < len(a) || j < len(b) {
		h := uint64(math.MaxUint64)
		if i < len(a) {
			h = a[i]
		}
		if j < len(b) && b[j] < h {
			h = b[j]
		}
		i0, j0 := i, j
		for ; i < len(a) && a[i] == h; i++ {
		}
		for ; j < len(b) && b[j] == h; j++ {
		}
		if fn != nil {
			fn(h, i-i0, j-j0)
		}
		n++
	}
	return n
}

// WithID returns p for the entry with id, a duplicate of group (or 0).
func (p Prepared) WithID(id, group int64) Prepared {
	p.doc.ID, p.doc.Group = id, group
	return p
}

// Add indexes d, replacing an entry with the same ID.
func (ix *Index) Add(d Doc) {
	ix.AddPrepared(ix.Prepare(d))
}

// AddPrepared indexes a prepared entry, replacing one with the same ID.
func (ix *Index) AddPrepared(p Prepared) {
	d := p.doc
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if slot, ok := ix.byID[d.ID]; ok {
		ix.removeSlot(slot)
	}
	ix.seq++
	nd := &doc{id: d.ID, group: d.Group, at: d.At, categories: foldAll(d.Categories), headline: p.headline, seq: ix.seq}
	var slot uint32
	if n := len(ix.free); n > 0 {
		slot, ix.free = ix.free[n-1], ix.free[:n-1]
		ix.slots[slot] = nd
	} else {
		slot = uint32(len(ix.slots))
		ix.slots = append(ix.slots, nd)
	}
	ix.byID[d.ID] = slot
	if ix.memory != nil {
		ix.memory[d.ID] = memText{d.Title, d.Text}
	}
	for _, t := range p.terms {
		id, q := ix.termID(termKey(t)), uint8(t)
		nd.length += float32(dequantize(q))
		pl := &ix.postings[id]
		pl.df++
		switch {
		case pl.common:
			pl.mark(slot)
		case pl.df > ix.dropAt: // too common to be walked: only counted from now on
			pl.makeCommon(slot, q, ix.width)
		default:
			pl.add(slot, q, ix.width)
		}
	}
	ix.totalLen += float64(nd.length)
	ix.added = append(ix.added, addition{d.ID, nd.seq})
	ix.bound()
	if len(ix.dying) >= ix.sweepBatch() {
		ix.sweep()
	}
}

// termID returns the id of the term with hash h, giving it one (a free
// id, or a new one) if the index does not hold it.
func (ix *Index) termID(h uint64) uint32 {
	if id, ok := ix.termIDs.get(h, ix.hashes); ok {
		return id
	}
	var id uint32
	if n := len(ix.freeIDs); n > 0 {
		id, ix.freeIDs = ix.freeIDs[n-1], ix.freeIDs[:n-1]
		ix.hashes[id] = h
	} else {
		id = uint32(len(ix.postings))
		ix.postings = append(ix.postings, postingList{})
		ix.hashes = append(ix.hashes, h)
	}
	ix.termIDs.put(h, id, ix.hashes)
	return id
}

// Related returns up to max entries related to the entry with id, best
// first (ties by id). It returns nil for an unknown id, and an error only
// when the texts could not be read.
//
// Scoring is done twice: the entries that the first pass ranks highest
// lend their words to the query for the second (pseudo-relevance feedback,
// as in Rocchio's method), which favours entries about the same subject
// over entries that merely share a word or two.
func (ix *Index) Related(ctx context.Context, id int64, max int) ([]Hit, error) {
	if max <= 0 {
		return nil, nil
	}
	ix.rlockSwept()
	defer ix.mu.RUnlock()
	slot, ok := ix.byID[id]
	if !ok {
		return nil, nil
	}
	q := ix.slots[slot]
	words, err := ix.termsOf(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	query := make(map[uint32]float64, len(words[id]))
	for _, t := range words[id] {
		query[uint32(t>>8)] = dequantize(uint8(t))
	}
	// Only entries that share at least two telling words with this one can
	// be related: one word in common is a coincidence. A headline without
	// a body has too few words for that: its hints are those sharing two
	// words, then, to fill the list, those sharing one, ranked without
	// feedback (borrowed words drown a query of a few words).
	if q.headline {
		first := ix.rank(slot, query, func(_ uint32, _ int, score float64) bool { return score >= ix.cfg.MinScore })
		var hits []Hit
		for _, twoOrMore := range []bool{true, false} {
			for _, h := range first {
				if (h.matched >= 2) == twoOrMore && len(hits) < max {
					hits = append(hits, h.Hit)
				}
			}
		}
		return hits, nil
	}
	// Ranking sorts only the entries a pass can use: sorting every entry
	// that shares a word was most of the cost of a query.
	first := ix.rank(slot, query, func(_ uint32, matched int, _ float64) bool { return matched >= 2 })
	if len(first) == 0 {
		return nil, nil
	}
	eligible := make([]bool, len(ix.slots))
	var top []Hit
	for _, h := range first {
		eligible[h.slot] = true
		if len(top) < ix.cfg.FeedbackDocs && h.Score >= feedbackMin {
			top = append(top, h.Hit)
		}
	}
	ranked := first
	if ix.cfg.Feedback > 0 && len(top) > 0 {
		if err := ix.expand(ctx, query, top, float64(q.length)); err != nil {
			return nil, err
		}
		ranked = ix.rank(slot, query, func(slot uint32, _ int, _ float64) bool { return eligible[slot] })
	}
	var hits []Hit
	for _, h := range ranked {
		if h.Score >= ix.cfg.MinScore {
			hits = append(hits, h.Hit)
			if len(hits) == max {
				break
			}
		}
	}
	return hits, nil
}

// rlockSwept takes the read lock once no forgotten entry is left in the
// postings, sweeping them first if need be: a query counts and walks the
// entries the index holds, no others.
func (ix *Index) rlockSwept() {
	for {
		ix.mu.RLock()
		if len(ix.dying) == 0 {
			return
		}
		ix.mu.RUnlock()
		ix.mu.Lock()
		ix.sweep()
		ix.mu.Unlock()
	}
}

// termsOf reads the words of the entries of ids again, from their texts:
// for each, its terms that the index holds, each as its id shifted left
// by 8 bits plus its quantized weight. The terms come out as they did when
// the entry was added, since preparing a text is deterministic. Call it
// with the lock held.
func (ix *Index) termsOf(ctx context.Context, ids []int64) (map[int64][]uint64, error) {
	out := make(map[int64][]uint64, len(ids))
	add := func(id int64, title, text string) {
		if _, ok := ix.byID[id]; !ok {
			return
		}
		p := ix.Prepare(Doc{Title: title, Text: text})
		terms := make([]uint64, 0, len(p.terms))
		for _, t := range p.terms {
			if tid, ok := ix.termIDs.get(termKey(t), ix.hashes); ok {
				terms = append(terms, uint64(tid)<<8|uint64(uint8(t)))
			}
		}
		out[id] = terms
	}
	if ix.memory != nil {
		for _, id := range ids {
			if m, ok := ix.memory[id]; ok {
				add(id, m.title, m.text)
			}
		}
		return out, nil
	}
	if err := ix.cfg.Texts.Texts(ctx, ids, add); err != nil {
		return nil, fmt.Errorf("related entries' texts: %w", err)
	}
	return out, nil
}

// shortText is the number of body terms under which an entry counts as a
// headline without a body (headline-only feeds are common: Chinese portals
// publish a title and a link and nothing else).
const shortText = 4

// feedbackMin is the least first-pass score of an entry that lends its
// words to the second pass.
const feedbackMin = 0.05

// rankedHit is a hit of rank: with its entry's slot, and how many of the
// query's terms the entry has.
type rankedHit struct {
	Hit
	slot    uint32
	matched int
}

// rank scores every entry sharing a useful term with query, relative to
// the score of the query's own entry, lifted and softened, and returns
// those that keep accepts (given their slot, how many of the query's terms
// they have, and their score), best first (ties by id).
func (ix *Index) rank(self uint32, query map[uint32]float64, keep func(slot uint32, matched int, score float64) bool) []rankedHit {
	q := ix.slots[self]
	n := float64(len(ix.byID))
	avgLen := ix.totalLen / max1(n)
	// A small index has no "too common" words to speak of; in a large one
	// a word in more than maxDocFreq entries tells too little to be worth
	// walking its entries.
	maxDF := int(math.Max(10, math.Min(ix.cfg.MaxDocShare*n, maxDocFreq)))

	// Terms are visited in a fixed order so that floating-point sums, and
	// so the hints, are the same on every call: the order of their hashes,
	// not of their ids, which depend on the order words were first seen
	// (an index loaded again after a restart answers as before).
	terms := make([]uint32, 0, len(query))
	for t := range query {
		terms = append(terms, t)
	}
	slices.SortFunc(terms, func(a, b uint32) int { return cmp.Compare(ix.hashes[a], ix.hashes[b]) })
	acc := ix.accumulator()
	defer ix.scratch.Put(acc)
	selfScore := 0.0
	for _, t := range terms {
		qw := query[t]
		pl := ix.postings[t]
		df := int(pl.df)
		if df < 2 || df > maxDF || pl.common {
			continue // only in one entry, or in too many to tell entries apart
		}
		idf := math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
		for p, w := pl.data, ix.width; len(p) >= w; p = p[w:] {
			slot, q := unpack(p, w)
			s := idf * qw * ix.bm25(dequantize(q), float64(ix.slots[slot].length), avgLen)
			if slot == self {
				selfScore += s
			} else {
				acc.add(slot, s)
			}
		}
	}
	defer acc.reset()
	if selfScore == 0 {
		return nil
	}
	// Each score is made final in place (-Inf: not kept) and the kept
	// counted first, so that the list is made at its size: growing it was
	// most of what a query allocated.
	kept := 0
	for _, s := range acc.touched {
		score := ix.finalScore(q, ix.slots[s], acc.scores[s]/selfScore)
		if !math.IsInf(score, -1) && !keep(s, int(acc.matched[s]), score) {
			score = math.Inf(-1)
		}
		if acc.scores[s] = score; !math.IsInf(score, -1) {
			kept++
		}
	}
	hits := make([]rankedHit, 0, kept)
	for _, s := range acc.touched {
		if score := acc.scores[s]; !math.IsInf(score, -1) {
			hits = append(hits, rankedHit{Hit{ID: ix.slots[s].id, Score: score}, s, int(acc.matched[s])})
		}
	}
	slices.SortFunc(hits, func(a, b rankedHit) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return hits
}

// finalScore is the score of entry d for the query's entry q, given its
// score relative to q's own: lifted by shared categories and softened by
// distance in time; -Inf for a duplicate of q or an entry outside the
// window.
func (ix *Index) finalScore(q, d *doc, relative float64) float64 {
	if q.group != 0 && (d.group == q.group || d.id == q.group) || d.group == q.id {
		return math.Inf(-1) // a duplicate
	}
	gap := q.at.Sub(d.at).Abs()
	if gap > ix.cfg.Window {
		return math.Inf(-1)
	}
	score := relative * (1 + ix.cfg.CategoryLift*float64(shared(q.categories, d.categories)))
	return score / (1 + float64(gap)/float64(ix.cfg.Window)) // half as close at the window's edge
}

// expand adds to query the words of the top entries, each entry scaled to
// the query's length and all of them together weighted Feedback. Only the
// expandTerms words that weigh most (times their idf) are added, which
// bounds the cost of the second pass.
func (ix *Index) expand(ctx context.Context, query map[uint32]float64, top []Hit, qLen float64) error {
	ids := make([]int64, len(top))
	for i, h := range top {
		ids[i] = h.ID
	}
	words, err := ix.termsOf(ctx, ids)
	if err != nil {
		return err
	}
	w := ix.cfg.Feedback / float64(len(top))
	extra := map[uint32]float64{}
	for _, h := range top {
		d := ix.slots[ix.byID[h.ID]]
		scale := w * qLen / float64(d.length)
		for _, t := range words[h.ID] {
			extra[uint32(t>>8)] += scale * dequantize(uint8(t))
		}
	}
	n := float64(len(ix.byID))
	type weighted struct {
		term uint32
		w    float64
	}
	list := make([]weighted, 0, len(extra))
	for t, v := range extra {
		df := float64(ix.postings[t].df)
		list = append(list, weighted{t, v * math.Log(1+(n-df+0.5)/(df+0.5))})
	}
	slices.SortFunc(list, func(a, b weighted) int {
		switch {
		case a.w > b.w:
			return -1
		case a.w < b.w:
			return 1
		}
		return cmp.Compare(ix.hashes[a.term], ix.hashes[b.term]) // ties by hash, as in rank
	})
	for _, x := range list[:min(len(list), expandTerms)] {
		query[x.term] += extra[x.term]
	}
	return nil
}

// accumulator sums one query's scores by slot: dense slices rather than
// maps, which were half the cost of a query. Only the touched slots are
// cleared after use, and accumulators are reused through Index.scratch.
type accumulator struct {
	scores  []float64
	matched []int32
	touched []uint32 // slots with a score, in the order first scored
}

// accumulator returns a cleared accumulator as long as the index's slots.
func (ix *Index) accumulator() *accumulator {
	acc, _ := ix.scratch.Get().(*accumulator)
	if acc == nil {
		acc = &accumulator{}
	}
	if n := len(ix.slots); len(acc.scores) < n {
		acc.scores, acc.matched = make([]float64, n), make([]int32, n)
	}
	return acc
}

func (a *accumulator) add(slot uint32, s float64) {
	if a.matched[slot] == 0 {
		a.touched = append(a.touched, slot)
	}
	a.scores[slot] += s
	a.matched[slot]++
}

func (a *accumulator) reset() {
	for _, s := range a.touched {
		a.scores[s], a.matched[s] = 0, 0
	}
	a.touched = a.touched[:0]
}

// Bounds on the work of one query.
const (
	maxDocFreq  = 1000 // words in more entries are skipped
	dropDocFreq = 1250 // words in more entries have their postings dropped, until back to maxDocFreq
	expandTerms = 120  // words the second pass borrows
)

func (ix *Index) bm25(tf, length, avgLen float64) float64 {
	k1, b := ix.cfg.K1, ix.cfg.B
	return tf * (k1 + 1) / (tf + k1*(1-b+b*length/avgLen))
}

func max1(x float64) float64 { return math.Max(1, x) }

func shared(a, b []string) int {
	n := 0
	for _, x := range a {
		if slices.Contains(b, x) {
			n++
		}
	}
	return n
}
