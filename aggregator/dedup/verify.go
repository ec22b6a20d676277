package dedup

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tributary/tributary/aggregator/script"
)

// Verification thresholds. A candidate proposed by the sketches becomes a
// duplicate only when the exact shingles of both stored texts agree: the
// sketches overstate how much of a short text a long one contains (pairs
// with an exact overlap of 0.12 were estimated at 1.0), and an estimate
// alone must never hide an entry from subscribers.
const (
	// MinRatio is the least share of the longer text's shingles that the
	// shorter must have for Threshold to apply; below it the shorter text
	// must lie almost wholly in the longer (ExcerptThreshold): an excerpt
	// of a story is a copy of it, a short story that shares a topic's
	// common phrases with a long one is not.
	MinRatio         = 0.25
	ExcerptThreshold = 0.9
)

// Verify compares two plain texts exactly: the share of the shorter text's
// shingles found in the longer (containment), and whether that makes them
// the same story. Texts too short to sketch are never duplicates by text.
func Verify(a, b string) (containment float64, same bool) {
	return verify(shingles(a), shingles(b))
}

func verify(sa, sb map[uint64]struct{}) (containment float64, same bool) {
	if len(sa) < MinShingles || len(sb) < MinShingles {
		return 0, false
	}
	if len(sa) > len(sb) {
		sa, sb = sb, sa
	}
	both := 0
	for h := range sa {
		if _, ok := sb[h]; ok {
			both++
		}
	}
	containment = float64(both) / float64(len(sa))
	need := Threshold
	if float64(len(sa)) < MinRatio*float64(len(sb)) {
		need = ExcerptThreshold
	}
	return containment, containment >= need
}

// shingles returns the set of a text's shingles, hashed to 64 bits so that
// collisions do not matter at any text length.
func shingles(text string) map[uint64]struct{} {
	out := map[uint64]struct{}{}
	eachShingle(text, func(parts []string) { out[fnv64(parts)] = struct{}{} })
	return out
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
	text = strings.ToLower(text)
	var win [max(shingleWords, shingleChars)]string
	n, cjk := 0, false // tokens of the run being read, and its kind
	k := func() int {
		if cjk {
			return shingleChars
		}
		return shingleWords
	}
	add := func(token string) {
		switch k := k(); {
		case n < k:
			win[n] = token
			if n == k-1 {
				f(win[:k])
			}
		default:
			copy(win[:k-1], win[1:k])
			win[k-1] = token
			f(win[:k])
		}
		n++
	}
	endRun := func(nextCJK bool) { // a run shorter than a shingle is one
		if n > 0 && n < k() {
			f(win[:n])
		}
		n, cjk = 0, nextCJK
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
