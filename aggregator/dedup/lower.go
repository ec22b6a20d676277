package dedup

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// noCase is the range of runes from U+2D30 to U+A63F, none of which has a
// lower-case form: CJK ideographs and punctuation, kana, bopomofo, Yi.
const noCaseFrom, noCaseTo = 0x2D30, 0xA640

// toLower returns strings.ToLower(s), faster for Chinese and Japanese text:
// strings.ToLower looks up every rune of a text that is not all ASCII in
// Unicode's case tables, which was a quarter of the cost of a sketch.
func toLower(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				return lowerFrom(s, i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || (!(noCaseFrom <= r && r < noCaseTo) && unicode.ToLower(r) != r) {
			return lowerFrom(s, i)
		}
		i += size
	}
	return s
}

// lowerFrom is toLower of s, whose first i bytes are already lower case.
// Like strings.ToLower, it writes a byte that is not UTF-8 as U+FFFD.
func lowerFrom(s string, i int) string {
	var b strings.Builder
	b.Grow(len(s) + utf8.UTFMax)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case noCaseFrom <= r && r < noCaseTo:
			b.WriteString(s[i : i+size])
		default:
			b.WriteRune(unicode.ToLower(r))
		}
		i += size
	}
	return b.String()
}
