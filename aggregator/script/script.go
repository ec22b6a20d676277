// Package script tells the writing systems of text apart where Tributary's
// text handling differs: Chinese, Japanese and Korean are written without
// spaces between words, so words cannot be found by splitting on spaces.
package script

import "unicode"

// IsCJK reports whether r is Han, Hiragana, Katakana or Hangul. It runs for
// every character of every text, so the two blocks that hold nearly all
// Chinese and Korean text, whole, are answered before the tables are
// searched (TestIsCJKBlocks checks that they are whole).
func IsCJK(r rune) bool {
	switch {
	case r < 0x2E80:
		return false
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0xAC00 && r <= 0xD7A3: // CJK Unified Ideographs, Hangul Syllables
		return true
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
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
