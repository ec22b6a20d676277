package feeddate

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

var months = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "june": 6,
	"july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}

var weekdays = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

var (
	clockRe     = regexp.MustCompile(`^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$`)
	slashDateRe = regexp.MustCompile(`^(\d{4})/(\d{1,2})/(\d{1,2})$`)
	digitsRe    = regexp.MustCompile(`^\d+$`)
)

func isWeekday(tok string) bool {
	tok = strings.ToLower(strings.TrimSuffix(tok, "."))
	if len(tok) < 3 {
		return false
	}
	for _, d := range weekdays {
		if strings.HasPrefix(d, tok) {
			return true
		}
	}
	return false
}

func month(tok string) (int, bool) {
	m, ok := months[strings.ToLower(strings.TrimSuffix(tok, "."))]
	return m, ok
}

func number(tok string, maxDigits int) (int, bool) {
	if !digitsRe.MatchString(tok) || len(tok) > maxDigits {
		return 0, false
	}
	n, err := strconv.Atoi(tok)
	return n, err == nil
}

func year(tok string) (int, bool) {
	if len(tok) != 2 && len(tok) != 4 {
		return 0, false
	}
	y, ok := number(tok, 4)
	return expandYear(y, len(tok)), ok
}

// RFC822 reads RFC 822/1123 dates and the forms feeds confuse with them:
// "Thu, 01 Jan 2004 19:48:21 GMT", "Fri,24 Nov 2023 18:28:36 -0000",
// "Mon, 13 Feb, 2012 06:28:00 UTC", "Thu Aug 30 2012 17:26:16 +0200",
// asctime ("Sun Jan  4 16:29:06 2004"), Perforce ("Fri, 2006/09/15
// 08:19:53 EDT") and "2006/1/2 15:04:05". Weekdays are ignored, seconds,
// the time and the zone are optional, and two-digit years are allowed.
func RFC822(s string, loc *time.Location) (time.Time, error) {
	toks := strings.Fields(strings.ReplaceAll(s, ",", " "))
	if len(toks) > 0 && isWeekday(toks[0]) {
		toks = toks[1:]
	}
	var y, mo, d int
	haveYear := false
	next := func() string {
		if len(toks) == 0 {
			return ""
		}
		t := toks[0]
		toks = toks[1:]
		return t
	}
	first := next()
	if m := slashDateRe.FindStringSubmatch(first); m != nil {
		y, _ = strconv.Atoi(m[1])
		mo, _ = strconv.Atoi(m[2])
		d, _ = strconv.Atoi(m[3])
		haveYear = true
	} else if day, ok := number(first, 2); ok { // 01 Jan 2004
		var okM, okY bool
		d = day
		mo, okM = month(next())
		y, okY = year(next())
		if !okM || !okY {
			return time.Time{}, ErrUnparsable
		}
		haveYear = true
	} else if m, ok := month(first); ok { // Jan 4 [2004]
		mo = m
		if d, ok = number(next(), 2); !ok {
			return time.Time{}, ErrUnparsable
		}
		if len(toks) > 0 && !strings.Contains(toks[0], ":") {
			if y, ok = year(toks[0]); ok {
				haveYear = true
				toks = toks[1:]
			}
		}
	} else {
		return time.Time{}, ErrUnparsable
	}

	var h, mi, sec int
	if len(toks) > 0 && strings.Contains(toks[0], ":") && !strings.ContainsAny(toks[0], "+-") {
		m := clockRe.FindStringSubmatch(next())
		if m == nil {
			return time.Time{}, ErrUnparsable
		}
		h, _ = strconv.Atoi(m[1])
		mi, _ = strconv.Atoi(m[2])
		if m[3] != "" {
			sec, _ = strconv.Atoi(m[3])
		}
	}
	zone := ""
	if len(toks) > 0 && !(len(toks) == 1 && !haveYear) {
		zone = next()
	}
	if !haveYear { // asctime puts the year last
		var ok bool
		if y, ok = year(next()); !ok {
			return time.Time{}, ErrUnparsable
		}
	}
	if len(toks) > 0 {
		return time.Time{}, ErrUnparsable
	}
	z, ok := zoneFor(zone, loc, y, mo, d, h)
	if !ok {
		return time.Time{}, ErrUnparsable
	}
	return build(y, mo, d, h, mi, sec, 0, z)
}
