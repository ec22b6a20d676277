// Package dedup recognises the same story published by several sources.
//
// Two entries are duplicates when they have the same canonical URL, or when
// their texts are near-identical: the same story under another headline,
// with a byline or a "Source: …" / "来源：…" line added, paragraphs trimmed
// or reflowed, or different markup. It takes two steps. Each entry has a
// bottom-k sketch of its word (or, for Chinese and Japanese, character)
// shingles, stored with it, and its smallest hashes as keys, indexed in the
// store. Entries of other sources sharing a key or the URL are candidates;
// Rank keeps those whose sketches suggest that one text contains the
// other, and Verify decides on the two stored texts themselves, exactly,
// with a guard against short texts inside long ones (Decide does both). An
// estimate never decides alone, and nothing of it lives in memory.
package dedup

import (
	"encoding/binary"
	"errors"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tributary/tributary/aggregator/hashsort"

	"github.com/tributary/tributary/aggregator/script"
)

// Tuning, chosen on ../shared/evalsets (see dedup_eval_test.go).
const (
	// SketchSize is how many of a text's smallest shingle hashes are kept.
	SketchSize = 64
	// shingleWords is the shingle length for words (Latin script and the
	// like); shingleChars the length for runs of Han, Kana or Hangul: six
	// characters, about three words like the Latin shingle. Four were as
	// good on the evaluation sets, but a four-character shingle is a
	// common two-word phrase often enough that most keys of Chinese texts
	// were crowded (see CrowdedKey).
	shingleWords = 3
	shingleChars = 6
	// MinShingles is the least a text must have to be compared at all:
	// shorter texts (a headline, "Read more") say too little.
	MinShingles = 8
	// Threshold is the least containment of the shorter text in the
	// longer for two texts to be duplicates, measured exactly by Verify.
	Threshold = 0.6
	// CandidateThreshold is the least estimated containment for a pair
	// to be verified: lower than Threshold, since the estimate errs both
	// ways and Verify decides.
	CandidateThreshold = 0.4
)

// Sketch is a compact summary of a text: its SketchSize smallest shingle
// hashes, sorted, and how many distinct shingles it has.
type Sketch struct {
	Hashes []uint32
	Size   int
}

// NewSketch sketches text (plain text, any language). ok is false when the
// text is too short to compare.
func NewSketch(text string) (s Sketch, ok bool) {
	return NewSketchNFKC(norm.NFKC.String(text))
}

// NewSketchNFKC is NewSketch of a text already in Unicode's NFKC form
// (norm.NFKC.String), for a caller that normalises a text once for all its
// uses: normalising is a good part of the cost.
func NewSketchNFKC(text string) (s Sketch, ok bool) {
	scratch := hashScratch.Get().(*[2][]uint32)
	defer func() {
		if cap(scratch[0]) <= maxScratch {
			hashScratch.Put(scratch)
		}
	}()
	all := scratch[0][:0]
	eachShingleNFKC(text, func(parts []string) { all = append(all, fnv32(parts)) })
	scratch[0] = all
	scratch[1] = hashsort.Sort(all, scratch[1])
	all = slices.Compact(all)
	s.Size = len(all)
	if s.Size < MinShingles {
		return Sketch{}, false
	}
	s.Hashes = slices.Clone(all[:min(len(all), SketchSize)])
	return s, true
}

// hashScratch holds the slices a sketch's hashes are gathered and sorted
// in: every shingle's hash is kept until the smallest are known, and only
// those are kept after. A slice grown past maxScratch (a very long text) is
// not kept.
var hashScratch = sync.Pool{New: func() any { return new([2][]uint32) }}

const maxScratch = 1 << 16

// fnv32 and fnv64 are FNV-1a of a shingle's parts, each followed by a zero
// byte, written out to spare the hash.Hash's allocations.
func fnv32(parts []string) uint32 {
	h := uint32(2166136261)
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			h = (h ^ uint32(p[i])) * 16777619
		}
		h *= 16777619 // the zero byte
	}
	return h
}

func fnv64(parts []string) uint64 {
	h := uint64(14695981039346656037)
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			h = (h ^ uint64(p[i])) * 1099511628211
		}
		h *= 1099511628211
	}
	return h
}

// Containment estimates the share of the smaller text's shingles that the
// larger text has too: 1 when one text is the other with something added or
// trimmed, near 0 for unrelated texts.
func Containment(a, b Sketch) float64 {
	if a.Size == 0 || b.Size == 0 {
		return 0
	}
	// Bottom-k estimate of the Jaccard index: among the k smallest hashes
	// of both sketches together, the share that both have.
	k := min(SketchSize, len(a.Hashes)+len(b.Hashes))
	i, j, union, both := 0, 0, 0, 0
	for union < k && (i < len(a.Hashes) || j < len(b.Hashes)) {
		switch {
		case j >= len(b.Hashes) || (i < len(a.Hashes) && a.Hashes[i] < b.Hashes[j]):
			i++
		case i >= len(a.Hashes) || b.Hashes[j] < a.Hashes[i]:
			j++
		default:
			both++
			i++
			j++
		}
		union++
	}
	if union == 0 {
		return 0
	}
	jac := float64(both) / float64(union)
	inter := jac * float64(a.Size+b.Size) / (1 + jac)
	return min(1, inter/float64(min(a.Size, b.Size)))
}

// eachShingle calls f with each shingle of text: shingleWords words, or
// shingleChars CJK characters; a run shorter than that is one shingle.
func eachShingle(text string, f func(parts []string)) {
	eachShingleNFKC(norm.NFKC.String(text), f)
}

// eachShingleNFKC is eachShingle of a text in NFKC form. It splits the
// text into runs of words and runs of CJK characters (case, width and
// punctuation do not matter) and slides a window of the shingle's length
// along each run; the parts are pieces of one lower-cased copy of the text,
// and f must not keep them.
func eachShingleNFKC(text string, f func(parts []string)) {
	text = toLower(text)
	// The window is kept twice over: the run's token j is written at j%k
	// and j%k+k, so that its last k tokens are always the k in a row after
	// the newest one's first place, and nothing is shifted (a shift moved
	// five strings a CJK character, each under the collector's write
	// barrier while it marks).
	var win [2 * max(shingleWords, shingleChars)]string
	n, cjk := 0, false // tokens of the run being read, and its kind
	i := 0             // where the next token goes: n % k
	k := func() int {
		if cjk {
			return shingleChars
		}
		return shingleWords
	}
	add := func(token string) {
		k := k()
		win[i], win[i+k] = token, token
		if i++; i == k {
			i = 0
		}
		if n++; n >= k {
			f(win[i : i+k])
		}
	}
	endRun := func(nextCJK bool) { // a run shorter than a shingle is one
		if n > 0 && n < k() {
			f(win[:n])
		}
		n, i, cjk = 0, 0, nextCJK
	}
	word := -1 // where the word being read starts
	endWord := func(end int) {
		if word >= 0 {
			if cjk {
				endRun(false)
			}
			add(text[word:end])
			word = -1
		}
	}
	for i, r := range text {
		switch {
		case script.IsCJK(r):
			endWord(i)
			if !cjk {
				endRun(true)
			}
			add(text[i : i+utf8.RuneLen(r)])
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if cjk {
				endRun(false)
			}
			if word < 0 {
				word = i
			}
		default:
			endWord(i)
		}
	}
	endWord(len(text))
	endRun(false)
}

// MarshalBinary encodes a sketch for storage.
func (s Sketch) MarshalBinary() ([]byte, error) {
	b := binary.AppendUvarint(nil, uint64(s.Size))
	for _, h := range s.Hashes {
		b = binary.LittleEndian.AppendUint32(b, h)
	}
	return b, nil
}

// UnmarshalBinary decodes a stored sketch.
func (s *Sketch) UnmarshalBinary(b []byte) error {
	size, n := binary.Uvarint(b)
	if n <= 0 || (len(b)-n)%4 != 0 {
		return errors.New("dedup: malformed sketch")
	}
	b = b[n:]
	s.Size = int(size)
	s.Hashes = make([]uint32, len(b)/4)
	for i := range s.Hashes {
		s.Hashes[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return nil
}
