// Package script tells the writing systems of text apart where Tributary's
// text handling differs: Chinese, Japanese and Korean are written without
// spaces between words, so words cannot be found by splitting on spaces.
package script

import "unicode"

// IsCJK reports whether r is Han, Hiragana, Katakana or Hangul.
func IsCJK(r rune) bool {
	return r >= 0x2E80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// Lang guesses the language of a text from its script, for the HTML lang
// attribute that picks fonts and line breaking: "ja" with kana, "ko" with
// hangul, "zh" with Han alone, "" otherwise.
func Lang(s string) string {
	han := false
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Hiragana, unicode.Katakana):
			return "ja"
		case unicode.Is(unicode.Hangul, r):
			return "ko"
		case unicode.Is(unicode.Han, r):
			han = true
		}
	}
	if han {
		return "zh"
	}
	return ""
}
