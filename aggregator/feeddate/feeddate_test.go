package feeddate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestDateVectors runs feedparser's date vectors through the parser each was
// written for, as feedparser's own tests do.
func TestDateVectors(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "corpus", "feedparser", "derived", "date_vectors.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("date vectors absent (../shared/ is not on this machine): %v", err)
	}
	var doc struct {
		Vectors []struct {
			Parser      string  `json:"parser"`
			Input       string  `json:"input"`
			ExpectedUTC *string `json:"expected_utc"`
		} `json:"vectors"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	byName := map[string]func(string, *time.Location) (time.Time, error){
		"greek": Greek, "hungarian": Hungarian, "iso8601": ISO8601, "nate": Korean, "onblog": Korean,
		"perforce": RFC822, "rfc822": RFC822, "asctime": RFC822, "w3dtf": W3DTF,
	}
	pass := 0
	for _, v := range doc.Vectors {
		parse, ok := byName[v.Parser]
		if !ok {
			t.Errorf("no parser for %q", v.Parser)
			continue
		}
		got, err := parse(v.Input, time.UTC)
		switch {
		case v.ExpectedUTC == nil && err == nil:
			t.Errorf("%s(%q) = %v, want rejection", v.Parser, v.Input, got)
		case v.ExpectedUTC == nil:
			pass++
		case err != nil:
			t.Errorf("%s(%q): %v, want %s", v.Parser, v.Input, err, *v.ExpectedUTC)
		default:
			want, perr := time.Parse(time.RFC3339, *v.ExpectedUTC)
			if perr != nil {
				t.Fatal(perr)
			}
			if !got.Equal(want) {
				t.Errorf("%s(%q) = %v, want %v", v.Parser, v.Input, got.UTC(), want)
			} else {
				pass++
			}
		}
	}
	t.Logf("date vectors: %d of %d pass", pass, len(doc.Vectors))
}

func TestParse(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	utc := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	}
	tests := []struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		{"2006/1/2 15:04:05", shanghai, utc(2006, 1, 2, 7, 4, 5)},
		{"2006/01/02 15:04", time.UTC, utc(2006, 1, 2, 15, 4, 0)},
		{"2006-01-02 15:04", shanghai, utc(2006, 1, 2, 7, 4, 0)},
		{"2006年01月02日 15:04", shanghai, utc(2006, 1, 2, 7, 4, 0)},
		{"2006年1月2日", shanghai, utc(2006, 1, 1, 16, 0, 0)},
		{"2024年06月07日 09:30:15", time.UTC, utc(2024, 6, 7, 9, 30, 15)},
		{"Mon, 02 Jan 2006 15:04:05 JST", time.UTC, utc(2006, 1, 2, 6, 4, 5)},
		{"Mon, 02 Jan 2006 15:04:05 HKT", time.UTC, utc(2006, 1, 2, 7, 4, 5)},
		// CST is US Central by RFC 822, China Standard Time for a source in China.
		{"Mon, 02 Jan 2006 15:04:05 CST", time.UTC, utc(2006, 1, 2, 21, 4, 5)},
		{"Mon, 02 Jan 2006 15:04:05 CST", shanghai, utc(2006, 1, 2, 7, 4, 5)},
		// An unknown abbreviation is read in the source's zone.
		{"Mon, 02 Jan 2006 15:04:05 XYZT", tokyo, utc(2006, 1, 2, 6, 4, 5)},
		{"Mon, 02 Jan 2006 15:04:05", tokyo, utc(2006, 1, 2, 6, 4, 5)},
		{"2006-01-02T15:04:05", shanghai, utc(2006, 1, 2, 7, 4, 5)},
		{"2006-01-02T15:04:05Z", shanghai, utc(2006, 1, 2, 15, 4, 5)},
		{"Mon, 02 Jan 2006 15:04:05 Asia/Tokyo", time.UTC, utc(2006, 1, 2, 6, 4, 5)},
		{"  Tue, 10 Jun 2003 04:00:00 GMT  ", time.UTC, utc(2003, 6, 10, 4, 0, 0)},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, tt.loc)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("Parse(%q, %s) = %v, %v; want %v", tt.in, tt.loc, got.UTC(), err, tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2006-13-01", "32 Jan 2006", "Mon, 02 Jan 2006 25:00:00 GMT", "2006年13月02日"} {
		if got, err := Parse(bad, time.UTC); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", bad, got)
		}
	}
}
