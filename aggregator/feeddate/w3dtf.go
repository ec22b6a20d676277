package feeddate

import (
	"regexp"
	"strconv"
	"time"
)

// w3dtfRe is the W3C date-time profile of ISO 8601, with the liberties feeds
// take: a space for the T, a space before the zone, missing seconds.
var w3dtfRe = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?)?)?$`)

// W3DTF reads W3C-DTF dates: 2003, 2003-12, 2003-12-31,
// 2003-12-31T10:14:55.12+08:00, 2004-07-08 23:56:58.
func W3DTF(s string, loc *time.Location) (time.Time, error) {
	m := w3dtfRe.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, ErrUnparsable
	}
	n := func(i, def int) int {
		if m[i] == "" {
			return def
		}
		v, _ := strconv.Atoi(m[i])
		return v
	}
	year, month, day, hour := n(1, 0), n(2, 1), n(3, 1), n(4, 0)
	zone, ok := zoneFor(m[8], loc, year, month, day, hour)
	if !ok {
		return time.Time{}, ErrUnparsable
	}
	// Fractions of a second (m[7]) are dropped: feeds are read to the second.
	return build(year, month, day, hour, n(5, 0), n(6, 0), 0, zone)
}
