package normalize

import (
	"regexp"
	"strconv"
	"time"
)

// minDate is the earliest date believed; anything earlier is a placeholder
// (1970-01-01, 0001-01-01) or a typo.
var minDate = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// urlDate finds /YYYY/MM/DD/ (or /YYYY/MM/DD at the end) in a URL path.
var urlDate = regexp.MustCompile(`/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$)`)

// DateFromURL returns the date written in an article URL's path, such as
// /2024/06/07/title, at midnight UTC; ok is false when there is none.
func DateFromURL(u string) (time.Time, bool) {
	m := urlDate.FindStringSubmatch(u)
	if m == nil {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d { // 2024/02/31
		return time.Time{}, false
	}
	return t, true
}

// Dates holds what a feed says about when an item was written.
type Dates struct {
	Published *time.Time // as parsed from the feed, may be nil
	Updated   *time.Time
	URL       string // the item's canonical URL, searched for a date
}

// PublishedDate applies DESIGN.md's time rules and returns the date to
// publish the entry under, or the zero time when the store should use
// first_seen: the feed's published date, else its updated date, else a date
// in the URL; dates before 1990 are discarded, and dates after now are
// discarded too unless keepFuture is set.
func PublishedDate(d Dates, now time.Time, keepFuture bool) time.Time {
	candidates := []*time.Time{d.Published, d.Updated}
	if t, ok := DateFromURL(d.URL); ok {
		candidates = append(candidates, &t)
	}
	for _, c := range candidates {
		if c == nil || c.IsZero() {
			continue
		}
		t := c.UTC()
		if t.Before(minDate) {
			return time.Time{}
		}
		if t.After(now) && !keepFuture {
			return time.Time{}
		}
		return t
	}
	return time.Time{}
}

// UpdatedDate returns the feed's updated date when it is believable, else
// the zero time. A future updated date is clamped to now.
func UpdatedDate(updated *time.Time, now time.Time) time.Time {
	if updated == nil || updated.Before(minDate) {
		return time.Time{}
	}
	if updated.After(now) {
		return now.UTC()
	}
	return updated.UTC()
}
