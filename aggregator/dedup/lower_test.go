package dedup

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// toLower is strings.ToLower: for every rune alone, for mixed texts, and
// for bytes that are not UTF-8.
func TestToLower(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		s := "A" + string(r) + "b"
		if got, want := toLower(s), strings.ToLower(s); got != want {
			t.Fatalf("toLower(%q) = %q, want %q", s, got, want)
		}
		if got, want := toLower(string(r)), strings.ToLower(string(r)); got != want {
			t.Fatalf("toLower(%q) = %q, want %q", string(r), got, want)
		}
	}
	for _, s := range []string{"", "plain", "Mixed 中文 Text", "中文ÉTÉ", "ΣΊΣΥΦΟΣ", "İstanbul", "bad \xff byte", "\xffA", "ok\xe4\xb8", "ＡＢＣ", "ǅ"} {
		if got, want := toLower(s), strings.ToLower(s); got != want {
			t.Errorf("toLower(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzToLower(f *testing.F) {
	f.Add("Mixed 中文 Text ÉTÉ \xff")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := toLower(s), strings.ToLower(s); got != want {
			t.Fatalf("toLower(%q) = %q, want %q", s, got, want)
		}
	})
}
