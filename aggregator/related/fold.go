package related

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// foldAll returns categories compared case-insensitively after NFKC.
func foldAll(cats []string) []string {
	if len(cats) == 0 {
		return nil
	}
	out := make([]string, 0, len(cats))
	for _, c := range cats {
		out = append(out, strings.ToLower(norm.NFKC.String(c)))
	}
	return out
}
