package feeddate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParse: any date string gives a time or an error, never a panic, and a
// time it gives is a real one that the same call gives again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Mon, 02 Jan 2006 15:04:05 MST", "2024-06-07T03:40:12+08:00", "2006年01月02日 15:04", "8:56 am PST",
		"Thu, 01 Jan 1970 00:00:00 +00:0", "2003-12-31T10:14:55.00Z", "Κυρ, 11 Ιούλ 2004 12:00:00 EST", "99999999999999",
	} {
		f.Add(s)
	}
	// feedparser's date vectors, when ../shared is on this machine.
	if data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", "feedparser", "derived", "date_vectors.json")); err == nil {
		var doc struct {
			Vectors []struct {
				Input string `json:"input"`
			} `json:"vectors"`
		}
		if json.Unmarshal(data, &doc) == nil {
			for _, v := range doc.Vectors {
				f.Add(v.Input)
			}
		}
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s, shanghai)
		if err != nil {
			return
		}
		if got.Year() < 0 || got.Year() > 9999 {
			t.Fatalf("Parse(%q) = %v", s, got)
		}
		if again, err := Parse(s, shanghai); err != nil || !again.Equal(got) {
			t.Fatalf("Parse(%q) gave %v, then %v, %v", s, got, again, err)
		}
	})
}
