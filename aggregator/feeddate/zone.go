package feeddate

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// abbreviations maps zone abbreviations to UTC offsets in minutes: RFC 822's
// (with its military letters read as feedparser reads them, and the US
// zones without daylight letter), and the common ones of other regions.
// Ambiguous ones (CST, IST) take their RFC 822 or most common meaning here;
// a source's timezone setting decides them first (see zoneFor).
var abbreviations = map[string]int{
	"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
	"ADT": -3 * 60, "AST": -4 * 60, "AT": -4 * 60,
	"EDT": -4 * 60, "EST": -5 * 60, "ET": -5 * 60,
	"CDT": -5 * 60, "CST": -6 * 60, "CT": -6 * 60,
	"MDT": -6 * 60, "MST": -7 * 60, "MT": -7 * 60,
	"PDT": -7 * 60, "PST": -8 * 60, "PT": -8 * 60,
	"AKST": -9 * 60, "AKDT": -8 * 60, "HST": -10 * 60,
	"A": -60, "N": 60, "M": -12 * 60, "Y": 12 * 60,
	"BST": 60, "IST": 5*60 + 30, "WEST": 60,
	"CET": 60, "CEST": 2 * 60, "MET": 60, "MEST": 2 * 60, "MEZ": 60, "MESZ": 2 * 60,
	"EET": 2 * 60, "EEST": 3 * 60, "MSK": 3 * 60,
	"PKT": 5 * 60, "ICT": 7 * 60, "WIB": 7 * 60,
	"HKT": 8 * 60, "SGT": 8 * 60, "AWST": 8 * 60, "PHT": 8 * 60, "MYT": 8 * 60,
	"JST": 9 * 60, "KST": 9 * 60,
	"ACST": 9*60 + 30, "AEST": 10 * 60, "AEDT": 11 * 60,
	"NZST": 12 * 60, "NZDT": 13 * 60,
}

var (
	numericZone = regexp.MustCompile(`^([+-])(\d{1,2}):?(\d{2})?$`)
	gmtOffset   = regexp.MustCompile(`^(?:GMT|UTC|UT)([+-].*)$`)
)

// zoneFor returns the location that the zone token z names, for a date with
// the given wall-clock fields. ok is false when z is malformed. An empty or
// unknown abbreviation yields loc.
func zoneFor(z string, loc *time.Location, year, month, day, hour int) (*time.Location, bool) {
	if z == "" {
		return loc, true
	}
	upper := strings.ToUpper(z)
	if m := gmtOffset.FindStringSubmatch(upper); m != nil {
		upper = m[1]
	}
	if m := numericZone.FindStringSubmatch(upper); m != nil {
		h, _ := strconv.Atoi(m[2])
		mins := 0
		if m[3] != "" {
			mins, _ = strconv.Atoi(m[3])
		}
		if h > 14 || mins > 59 {
			return nil, false
		}
		off := (h*60 + mins) * 60
		if m[1] == "-" {
			off = -off
		}
		return time.FixedZone("", off), true
	}
	if strings.Contains(z, "/") {
		if l, err := time.LoadLocation(z); err == nil {
			return l, true
		}
		if strings.EqualFold(z, "Etc/GMT") || strings.EqualFold(z, "Etc/UTC") {
			return time.UTC, true
		}
		return nil, false
	}
	for _, r := range upper {
		if r < 'A' || r > 'Z' {
			return nil, false
		}
	}
	// The source's own zone wins for the abbreviations it uses.
	if name, _ := time.Date(year, time.Month(month), day, hour, 0, 0, 0, loc).Zone(); name == upper {
		return loc, true
	}
	if off, ok := abbreviations[upper]; ok {
		return time.FixedZone(upper, off*60), true
	}
	return loc, true // unknown abbreviation: the source's zone
}
