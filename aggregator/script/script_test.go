package script

import (
	"testing"
	"unicode"
)

func TestLang(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Salmon return", ""},
		{"长江流域春汛", "zh"},
		{"日本の首相", "ja"},
		{"한국어 뉴스", "ko"},
		{"Google 发布 AI", "zh"},
	}
	for _, tt := range tests {
		if got := Lang(tt.in); got != tt.want {
			t.Errorf("Lang(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, r := range "中かカ한" {
		if !IsCJK(r) {
			t.Errorf("IsCJK(%q) = false", r)
		}
	}
	for _, r := range "aé1,。" {
		if IsCJK(r) {
			t.Errorf("IsCJK(%q) = true", r)
		}
	}
}

// TestIsCJKBlocks checks IsCJK against the Unicode tables for every rune
// from U+2E80 (below it, Hangul Jamo included, nothing counts): the blocks
// it answers at once must be whole in them.
func TestIsCJKBlocks(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		want := r >= 0x2E80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
		if got := IsCJK(r); got != want {
			t.Fatalf("IsCJK(%U) = %v, want %v", r, got, want)
		}
	}
}
