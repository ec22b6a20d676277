// Package categorize gives entries their categories and decides which
// entries to keep. It is pure: rules and labels in, categories out.
//
// An entry's categories are the union of its source's categories, the
// feed's own categories (when the source says to use them) and every rule
// that matches. Labels pass through aliases and are compared after Unicode
// NFKC and case folding; each category has a stable URL slug.
package categorize

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/tributary/tributary/aggregator/script"
)

// Fields names the parts of an entry a rule can look at.
const (
	FieldTitle   = "title"
	FieldContent = "content"
	FieldAuthor  = "author"
	FieldURL     = "url"
	FieldSource  = "source"
)

// AllFields are the fields a rule looks at when it names none.
var AllFields = []string{FieldTitle, FieldContent}

// Entry is what rules match against.
type Entry struct {
	Title, Content, Author, URL, Source string
}

func (e Entry) field(name string) string {
	switch name {
	case FieldTitle:
		return e.Title
	case FieldContent:
		return e.Content
	case FieldAuthor:
		return e.Author
	case FieldURL:
		return e.URL
	case FieldSource:
		return e.Source
	}
	return ""
}

// Rule matches entries by words, phrases or a regular expression.
type Rule struct {
	Category string         // the category it gives; empty in keep and block filters
	Any      []string       // matches if any of these words or phrases occurs
	All      []string       // matches if all of them occur
	Regex    *regexp.Regexp // matches if it matches (compiled case-insensitively)
	Fields   []string       // where to look; AllFields when empty
}

// Match reports whether r matches e. A rule with several conditions needs
// all of them; words and phrases are found case-insensitively, on word
// boundaries in spaced scripts and anywhere in Chinese and Japanese.
func (r *Rule) Match(e Entry) bool {
	fields := r.Fields
	if len(fields) == 0 {
		fields = AllFields
	}
	var parts []string
	for _, f := range fields {
		parts = append(parts, e.field(f))
	}
	text := Fold(strings.Join(parts, "\n"))
	if len(r.Any) > 0 && !slices.ContainsFunc(r.Any, func(w string) bool { return contains(text, Fold(w)) }) {
		return false
	}
	for _, w := range r.All {
		if !contains(text, Fold(w)) {
			return false
		}
	}
	if r.Regex != nil && !r.Regex.MatchString(strings.Join(parts, "\n")) {
		return false
	}
	return len(r.Any) > 0 || len(r.All) > 0 || r.Regex != nil
}

// contains finds phrase in text as whole words: the characters either side
// of a match must not be letters or digits, unless the phrase's own edge is
// a CJK character (those scripts have no spaces).
func contains(text, phrase string) bool {
	if phrase == "" {
		return false
	}
	for i := 0; ; {
		j := strings.Index(text[i:], phrase)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(phrase)
		if boundary(text[:start], []rune(phrase)[0], true) && boundary(text[end:], lastRune(phrase), false) {
			return true
		}
		i = start + 1
		for i < len(text) && !utf8Start(text[i]) {
			i++
		}
	}
}

func boundary(side string, edge rune, before bool) bool {
	if script.IsCJK(edge) || side == "" {
		return true
	}
	var r rune
	if before {
		r = lastRune(side)
	} else {
		r = []rune(side[:min(len(side), 4)])[0]
	}
	return !(unicode.IsLetter(r) || unicode.IsDigit(r)) || script.IsCJK(r)
}

func lastRune(s string) rune {
	r := []rune(s)
	return r[len(r)-1]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// Fold returns s normalised for comparison: NFKC, case-folded, trimmed, with
// runs of white space made one space.
func Fold(s string) string {
	// A Caser keeps state, so each call makes its own.
	return strings.Join(strings.Fields(cases.Fold().String(norm.NFKC.String(s))), " ")
}

// Slug turns a label into a stable URL path segment: folded, with every run
// of characters that are not letters or digits made one "-". Letters of any
// script stay ("人工智能"); the URL percent-encodes them.
func Slug(label string) string {
	var b strings.Builder
	dash := false
	for _, r := range Fold(label) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	return b.String()
}
