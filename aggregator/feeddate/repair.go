package feeddate

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Dates that no form reads but whose meaning is plain, written by hand or
// by odd software: a 12-hour time ("8:56 am"), a month name first ("June
// 25, 2003 …"), an offset missing a digit ("+00:0"). repair rewrites them
// into a form the parsers read; Parse tries it after the string as given.

var (
	twelveHour  = regexp.MustCompile(`\b(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([aApP])\.?\s?[mM]\.?(\s|$)`)
	monthFirst  = regexp.MustCompile(`^(?:[A-Za-z]{3,9},?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`)
	shortOffset = regexp.MustCompile(`([+-])(\d{1,2}):(\d{1,2})$`)
)

var monthNames = map[string]string{
	"january": "Jan", "february": "Feb", "march": "Mar", "april": "Apr", "may": "May", "june": "Jun", "july": "Jul",
	"august": "Aug", "september": "Sep", "sept": "Sep", "october": "Oct", "november": "Nov", "december": "Dec",
	"jan": "Jan", "feb": "Feb", "mar": "Mar", "apr": "Apr", "jun": "Jun", "jul": "Jul", "aug": "Aug", "sep": "Sep",
	"oct": "Oct", "nov": "Nov", "dec": "Dec",
}

// repair returns s rewritten as described above ("" when nothing applies).
func repair(s string) string {
	out := s
	if m := monthFirst.FindStringSubmatchIndex(out); m != nil {
		if mon, ok := monthNames[strings.ToLower(out[m[2]:m[3]])]; ok {
			out = out[m[4]:m[5]] + " " + mon + " " + out[m[6]:m[7]] + out[m[1]:]
		}
	}
	out = twelveHour.ReplaceAllStringFunc(out, func(t string) string {
		m := twelveHour.FindStringSubmatch(t)
		h, _ := strconv.Atoi(m[1])
		if h < 1 || h > 12 {
			return t
		}
		pm := strings.EqualFold(m[4], "p")
		switch {
		case pm && h != 12:
			h += 12
		case !pm && h == 12:
			h = 0
		}
		sec := m[3]
		if sec == "" {
			sec = "00"
		}
		return fmt.Sprintf("%02d:%s:%s%s", h, m[2], sec, m[5])
	})
	out = shortOffset.ReplaceAllStringFunc(out, func(o string) string {
		m := shortOffset.FindStringSubmatch(o)
		h, _ := strconv.Atoi(m[2])
		mm, _ := strconv.Atoi(m[3])
		if len(m[3]) == 1 {
			mm *= 10 // "+05:3" is +05:30
		}
		return fmt.Sprintf("%s%02d:%02d", m[1], h, mm)
	})
	if out == s {
		return ""
	}
	return out
}
