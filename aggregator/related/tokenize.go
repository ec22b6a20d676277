package related

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tributary/tributary/aggregator/script"
)

// Terms turns text into index terms: Latin-script (and other spaced
// scripts') words lower-cased, stop-words dropped and lightly stemmed; runs of
// Han, Kana or Hangul as overlapping character bigrams (a lone character
// stands for itself). Mixed text gives both.
func Terms(text string) []string {
	var out []string
	eachTerm(norm.NFKC.String(text), func(t string) { out = append(out, t) })
	return out
}

// eachTerm calls fn with the terms of text, in NFKC form, in order (see
// Terms). Bigrams and words already in lower case are pieces of the text,
// not copies of their own.
func eachTerm(text string, fn func(string)) {
	word, wordRunes := -1, 0 // where the word being read starts, and its length in characters
	var cjk []int            // where each character of the CJK run being read starts
	flushWord := func(end int) {
		if word >= 0 {
			first, _ := utf8.DecodeRuneInString(text[word:])
			w := strings.ToLower(text[word:end])
			if !stopWords[w] && (wordRunes > 1 || unicode.IsDigit(first)) {
				fn(stem(w))
			}
			word, wordRunes = -1, 0
		}
	}
	flushCJK := func(end int) {
		switch len(cjk) {
		case 0:
		case 1:
			fn(text[cjk[0]:end])
		default:
			for i := 0; i+1 < len(cjk); i++ {
				stop := end
				if i+2 < len(cjk) {
					stop = cjk[i+2]
				}
				fn(text[cjk[i]:stop])
			}
		}
		cjk = cjk[:0]
	}
	for i, r := range text {
		switch {
		case script.IsCJK(r):
			flushWord(i)
			cjk = append(cjk, i)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || (r == '\'' && word >= 0):
			flushCJK(i)
			if word < 0 {
				word = i
			}
			wordRunes++
		default:
			flushWord(i)
			flushCJK(i)
		}
	}
	flushWord(len(text))
	flushCJK(len(text))
}

// stem strips common English inflections: a light stemmer in the manner of
// Porter's first step, enough for "rates"/"rate" and "talks"/"talked"/
// "talking" to meet.
func stem(w string) string {
	w = strings.TrimSuffix(w, "'s")
	w = strings.TrimSuffix(w, "'")
	if len(w) <= 3 || !isASCII(w) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "sses"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "eed"):
	case strings.HasSuffix(w, "ing") && len(w) > 5 && hasVowel(w[:len(w)-3]):
		w = restore(w[:len(w)-3])
	case strings.HasSuffix(w, "ed") && len(w) > 4 && hasVowel(w[:len(w)-2]):
		w = restore(w[:len(w)-2])
	}
	return w
}

// restore mends a word whose -ing or -ed was cut: "hopp" → "hop",
// "hop" → "hope", "rat" → "rate", as Porter's stemmer does.
func restore(w string) string {
	n := len(w)
	switch {
	case n > 2 && w[n-1] == w[n-2] && !strings.ContainsRune("lsz", rune(w[n-1])):
		return w[:n-1]
	case strings.HasSuffix(w, "at"), strings.HasSuffix(w, "bl"), strings.HasSuffix(w, "iz"):
		return w + "e"
	case n == 3 && !isVowel(w[0]) && isVowel(w[1]) && !isVowel(w[2]) && !strings.ContainsRune("wxy", rune(w[2])):
		return w + "e"
	}
	return w
}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }

func hasVowel(w string) bool { return strings.ContainsAny(w, "aeiouy") }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// stopWords are English words too common to say what a text is about,
// and the names of the news agencies that sign half the wire.
var stopWords = wordSet(`a about above after again against all am an and any are aren't as at be
	because been before being below between both but by can can't cannot could couldn't did didn't do does
	doesn't doing don't down during each few for from further had hadn't has hasn't have haven't having he
	he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is
	isn't it it's its itself let's me more most mustn't my myself no nor not of off on once only or other
	ought our ours ourselves out over own same shan't she she'd she'll she's should shouldn't so some such
	than that that's the their theirs them themselves then there there's these they they'd they'll they're
	they've this those through to too under until up very was wasn't we we'd we'll we're we've were weren't
	what what's when when's where where's which while who who's whom why why's will with won't would
	wouldn't you you'd you'll you're you've your yours yourself yourselves said says say also new one two
	three year years last first week monday tuesday wednesday thursday friday saturday sunday today
	yesterday quot amp lt gt reuters ap afp just like get got may might much many`)

func wordSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}
