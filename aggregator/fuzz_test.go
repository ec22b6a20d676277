package aggregator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
)

// The headers and channel elements that say when to poll again come from
// outside: whatever they say, the next poll is between now and a day from
// now, and Retry-After waits between nothing and a week.
func FuzzPollHints(f *testing.F) {
	f.Add("public, max-age=3600", "Fri, 27 Nov 2026 11:00:00 GMT", "Fri, 27 Nov 2026 10:00:00 GMT", "60", "9,10", "Friday", "120")
	f.Add("max-age=-1, no-store", "0", "", "-5", "24,-1,x", "Caturday", "Sun, 06 Nov 1994 08:49:37 GMT")
	f.Add("max-age=99999999999999999999", "Mon, 01 Jan 0001 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "99999999999", "", "", "99999999999999999999")
	at := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, cc, expires, date, ttl, hours, days, retry string) {
		h := aggregator.PollHints{CacheControl: cc, Expires: expires, Date: date, TTL: ttl,
			SkipHours: strings.Split(hours, ","), SkipDays: strings.Split(days, ",")}
		next := aggregator.EarliestNextPoll(at, h)
		if next.Before(at) || next.After(at.Add(24*time.Hour)) {
			t.Fatalf("next poll %v for %+v: outside [now, now+24h]", next, h)
		}
		if d, ok := aggregator.RetryAfter(retry, at); ok && (d < 0 || d > 7*24*time.Hour) {
			t.Fatalf("Retry-After %q: %v", retry, d)
		}
	})
}
