// Package feeddate reads the dates found in feeds, in every form that feeds
// in the wild use: RFC 822 and its many misspellings, W3C-DTF and ISO 8601,
// asctime, and localised forms (Chinese, Korean, Greek, Hungarian).
//
// A date that names no zone, or names an abbreviation that is not known, is
// read in the location passed in: the source's configured timezone. An
// abbreviation that the location itself uses at that date (CST in
// Asia/Shanghai, JST in Asia/Tokyo) is read as that location, so a Chinese
// feed's "CST" is China Standard Time and not US Central.
package feeddate

import (
	"errors"
	"strings"
	"time"
)

// ErrUnparsable is returned for strings that are not a date.
var ErrUnparsable = errors.New("not a date")

// parsers are tried in order; the strict ones come first, lenient ISO 8601
// last, so that it cannot take a string a stricter form reads differently.
var parsers = []func(string, *time.Location) (time.Time, error){
	W3DTF,
	RFC822,
	Chinese,
	Korean,
	Greek,
	Hungarian,
	ISO8601,
}

// Parse reads s, trying every known form. Zone-less dates are read in loc.
func Parse(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, ErrUnparsable
	}
	if loc == nil {
		loc = time.UTC
	}
	for _, p := range parsers {
		if t, err := p(s, loc); err == nil {
			return t, nil
		}
	}
	if r := repair(s); r != "" {
		for _, p := range parsers {
			if t, err := p(r, loc); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, ErrUnparsable
}

// build makes a time from fields, refusing out-of-range ones (day 99, hour
// 25) instead of letting time.Date normalise them.
func build(year, month, day, hour, min, sec, nsec int, loc *time.Location) (time.Time, error) {
	if month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 || sec > 60 {
		return time.Time{}, ErrUnparsable
	}
	leap := 0
	if sec == 60 { // a leap second: read as the next second
		sec, leap = 59, 1
	}
	t := time.Date(year, time.Month(month), day, hour, min, sec, nsec, loc)
	if t.Day() != day {
		return time.Time{}, ErrUnparsable // 31 April
	}
	return t.Add(time.Duration(leap) * time.Second), nil
}

// expandYear reads a two-digit year as 1970–2069.
func expandYear(y int, digits int) int {
	switch {
	case digits > 2:
		return y
	case y < 70:
		return 2000 + y
	default:
		return 1900 + y
	}
}
