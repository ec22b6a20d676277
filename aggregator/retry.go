package aggregator

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tributary/tributary/aggregator/fetch"
)

// maxRetryAfter bounds how long a Retry-After keeps a source waiting: a
// server asking for a month is taken as asking for a week.
const maxRetryAfter = 7 * 24 * time.Hour

// RetryAfter reads a Retry-After header (RFC 9110 §10.2.3: delay-seconds or
// an HTTP date) received at now: how long to wait, clamped to
// [0, maxRetryAfter]; ok is false when the header says nothing usable.
func RetryAfter(header string, now time.Time) (d time.Duration, ok bool) {
	header = strings.TrimSpace(header)
	if header == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(header, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(header)
	if err != nil {
		return 0, false
	}
	return min(max(at.Sub(now), 0), maxRetryAfter), true
}

// goneRetry is how often a source that answered 410 Gone is polled again,
// in case it comes back.
const goneRetry = 7 * 24 * time.Hour

// Gone reports whether err is a 410 Gone: the feed was removed for good.
func Gone(err error) bool {
	var serr *fetch.StatusError
	return errors.As(err, &serr) && serr.Code == http.StatusGone
}

// goneError is in a source's last error when it answered 410: statusOf
// and the log recognise it.
const goneError = "HTTP 410 Gone"

// nextAfterFailure is when a source that failed with err at now, for the
// failures-th time in a row, is polled again: its back-off, or later when
// the server said when to come back (429 or 503 with Retry-After), or in a
// week when the feed is gone (410).
func nextAfterFailure(err error, failures int, now time.Time, jitter float64) time.Time {
	next := now.Add(Backoff(failures, jitter))
	if Gone(err) {
		return now.Add(goneRetry)
	}
	var serr *fetch.StatusError
	if errors.As(err, &serr) {
		if d, ok := RetryAfter(serr.RetryAfter, now); ok && now.Add(d).After(next) {
			next = now.Add(d)
		}
	}
	return next
}
