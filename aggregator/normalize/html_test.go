package normalize

import (
	"strings"
	"testing"
	"unicode"
)

func TestCollapseSpace(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"a", "a"},
		{"  a  b\t\nc  ", "a b c"},
		{"中文\u3000字\u00a0x", "中文 字 x"},
		{"\u2028line\u2029end\u0085", "line end"},
		{"bad \xff byte", "bad \xff byte"},
	}
	for _, tt := range tests {
		if got := collapseSpace(tt.in); got != tt.want {
			t.Errorf("collapseSpace(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestIsSpace checks isSpace against unicode.IsSpace for every rune.
func TestIsSpace(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := isSpace(r), unicode.IsSpace(r); got != want {
			t.Fatalf("isSpace(%U) = %v, want %v", r, got, want)
		}
	}
}

// TestSpacedWriterPieces checks that text written a piece at a time comes
// out as collapseSpace of the pieces joined: a word cut between pieces
// stays one word, white space at a cut is one space.
func TestSpacedWriterPieces(t *testing.T) {
	tests := [][]string{
		{"wo", "rd"},
		{"one ", " two"},
		{"one", " ", "two"},
		{"  ", "lead", "  "},
		{"中", "文", "\u3000", "字"},
		{"", "a", "", "b "},
	}
	for _, pieces := range tests {
		var w spacedWriter
		for _, p := range pieces {
			w.write(p)
		}
		if got, want := w.b.String(), collapseSpace(strings.Join(pieces, "")); got != want {
			t.Errorf("pieces %q: %q, want %q", pieces, got, want)
		}
	}
}

// FuzzCollapseSpace checks collapseSpace against its definition: the
// words between runs of white space, joined by one space.
func FuzzCollapseSpace(f *testing.F) {
	f.Add("  a  b\t\nc  ")
	f.Add("中文\u3000字")
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
		if got := collapseSpace(s); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	})
}
