package feeddate

import (
	"testing"
	"time"
)

func TestRepairedDates(t *testing.T) {
	pst := time.FixedZone("PST", -8*3600)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"Wed, 25 Jun 2003 8:56 am PST", time.Date(2003, 6, 25, 8, 56, 0, 0, pst)},
		{"25 Jun 2003 8:56 pm PST", time.Date(2003, 6, 25, 20, 56, 0, 0, pst)},
		{"June 25, 2003 8:56 a.m. PST", time.Date(2003, 6, 25, 8, 56, 0, 0, pst)},
		{"Wednesday, June 25th, 2003 12:05:09 AM GMT", time.Date(2003, 6, 25, 0, 5, 9, 0, time.UTC)},
		{"Wed, 25 Jun 2003 12:00 pm GMT", time.Date(2003, 6, 25, 12, 0, 0, 0, time.UTC)},
		{"2003-06-25T08:56:00+00:0", time.Date(2003, 6, 25, 8, 56, 0, 0, time.UTC)},
		{"Wed, 25 Jun 2003 08:56:00 +05:3", time.Date(2003, 6, 25, 8, 56, 0, 0, time.FixedZone("", 5*3600+30*60))},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, nil)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"13:56 pm PST 2003", "soon", "25:00 am"} {
		if got, err := Parse(bad, nil); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", bad, got)
		}
	}
}
