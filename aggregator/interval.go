package aggregator

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// PollHints are what a feed and its server say about when to come back:
// the response's Cache-Control, Expires and Date headers, and RSS's ttl
// (minutes), skipHours (0–23, GMT) and skipDays (Monday…Sunday).
type PollHints struct {
	CacheControl, Expires, Date string
	TTL                         string
	SkipHours, SkipDays         []string
}

// maxHintDelay bounds how long a feed's hints keep it waiting: a feed
// asking for a week is polled daily all the same.
const maxHintDelay = 24 * time.Hour

// EarliestNextPoll returns the earliest time a source polled at at should
// be polled again: at itself when its hints say nothing, else the longest
// of max-age (or Expires), ttl, moved out of skipped hours and days, and
// never more than maxHintDelay after at. The schedule decides the polls;
// this only holds them back.
func EarliestNextPoll(at time.Time, h PollHints) time.Time {
	delay := time.Duration(0)
	if age, ok := maxAge(h.CacheControl); ok {
		delay = max(delay, age)
	} else if h.Expires != "" {
		if exp, err := http.ParseTime(h.Expires); err == nil {
			now := at
			if d, err := http.ParseTime(h.Date); err == nil {
				now = d
			}
			delay = max(delay, exp.Sub(now))
		}
	}
	if ttl, err := strconv.Atoi(strings.TrimSpace(h.TTL)); err == nil && ttl > 0 {
		delay = max(delay, time.Duration(min(ttl, 7*24*60))*time.Minute)
	}
	next := at.Add(min(delay, maxHintDelay))
	hours, days := skipSets(h.SkipHours, h.SkipDays)
	for i := 0; i < 24*8 && (hours[next.UTC().Hour()] || days[next.UTC().Weekday()]); i++ {
		next = next.UTC().Truncate(time.Hour).Add(time.Hour) // the start of the next hour
	}
	return min64(next, at.Add(maxHintDelay))
}

// maxAge reads max-age from a Cache-Control header; no-cache and no-store
// ask for no delay.
func maxAge(cc string) (time.Duration, bool) {
	for _, d := range strings.Split(cc, ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		switch {
		case d == "no-cache" || d == "no-store":
			return 0, true
		case strings.HasPrefix(d, "max-age="):
			if n, err := strconv.ParseInt(strings.Trim(d[len("max-age="):], `"`), 10, 64); err == nil && n >= 0 {
				return time.Duration(min(n, int64(maxHintDelay/time.Second))) * time.Second, true
			}
		}
	}
	return 0, false
}

func skipSets(hours, days []string) (h [24]bool, d [7]bool) {
	for _, s := range hours {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 && n < 24 {
			h[n] = true
		}
	}
	for _, s := range days {
		for wd := time.Sunday; wd <= time.Saturday; wd++ {
			if strings.EqualFold(strings.TrimSpace(s), wd.String()) {
				d[wd] = true
			}
		}
	}
	return h, d
}

func min64(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
