package feeddate

import (
	"regexp"
	"strconv"
	"time"
)

// isoDate lists the date forms of ISO 8601 that feeds use, most specific
// first, as feedparser does: YYYY-MM-DD, YYYY-0MM-DD, YYYY-DDD (ordinal),
// YY-MM-DD, YY-DDD, YYYY-MM, YYYY, -YY-MM. Dashes are optional.
var isoDate = []*regexp.Regexp{
	regexp.MustCompile(`^(?P<year>\d{4})-?(?P<month>\d{2})-?(?P<day>\d{2})`),
	regexp.MustCompile(`^(?P<year>\d{4})-0(?P<month>\d{2})-?(?P<day>\d{2})`),
	regexp.MustCompile(`^(?P<year>\d{4})-?(?P<ordinal>\d{3})`),
	regexp.MustCompile(`^(?P<year>\d{2})-?(?P<month>\d{2})-?(?P<day>\d{2})`),
	regexp.MustCompile(`^(?P<year>\d{2})-?(?P<ordinal>\d{3})`),
	regexp.MustCompile(`^(?P<year>\d{4})-(?P<month>\d{2})`),
	regexp.MustCompile(`^(?P<year>\d{4})`),
	regexp.MustCompile(`^-(?P<year>\d{2})-?(?P<month>\d{2})`),
}

// isoTime is the optional time and zone after the date.
// A zone is only read after a time, so that "2006-13-01" is not read as
// 20-06-13 in zone -01.
var isoTime = regexp.MustCompile(`^(?:T?(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$`)

// ISO8601 reads the looser ISO 8601 forms: 031231, 03-12-31, 03335, -0312,
// 2003-012-31T10:14:55+00:00. Two-digit years are read in this century.
func ISO8601(s string, loc *time.Location) (time.Time, error) {
	for _, re := range isoDate {
		m := re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		tm := isoTime.FindStringSubmatch(s[len(m[0]):])
		if tm == nil {
			continue
		}
		f := map[string]string{}
		for i, name := range re.SubexpNames() {
			if name != "" {
				f[name] = m[i]
			}
		}
		year, _ := strconv.Atoi(f["year"])
		year = expandYear(year, len(f["year"]))
		month, day := 1, 1
		if v := f["month"]; v != "" {
			month, _ = strconv.Atoi(v)
		}
		if v := f["day"]; v != "" {
			day, _ = strconv.Atoi(v)
		}
		if v := f["ordinal"]; v != "" {
			ord, _ := strconv.Atoi(v)
			if ord < 1 || ord > 366 {
				continue
			}
			d := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, ord-1)
			if d.Year() != year {
				continue
			}
			month, day = int(d.Month()), d.Day()
		}
		num := func(i int) int {
			v, _ := strconv.Atoi(tm[i])
			return v
		}
		zone, ok := zoneFor(tm[4], loc, year, month, day, num(1))
		if !ok {
			continue
		}
		if t, err := build(year, month, day, num(1), num(2), num(3), 0, zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, ErrUnparsable
}
