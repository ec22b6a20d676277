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
