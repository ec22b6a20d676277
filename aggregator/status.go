package aggregator

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tributary/tributary/aggregator/store"
	"github.com/tributary/tributary/config/redact"
)

// Source states, as SourceStatus.State reports them.
const (
	StateOK          = "ok"
	StateFailing     = "failing"     // its last poll failed; it is due again
	StateBackingOff  = "backing_off" // its last poll failed; it waits past its schedule
	StateNeverPolled = "never_polled"
	StateGone        = "gone" // it answered 410 Gone; polled again weekly
)

// SourceStatus is what an operator wants to know about one source. URLs
// are redacted (redact.Status): it is shown on pages anyone reaching the
// server can read.
type SourceStatus struct {
	Name        string     `json:"name"`
	URL         string     `json:"url"`
	State       string     `json:"state"`
	LastPoll    *time.Time `json:"last_poll,omitempty"`
	LastSuccess *time.Time `json:"last_success,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	LastErrorAt *time.Time `json:"last_error_at,omitempty"`
	Failures    int        `json:"consecutive_failures"`
	NextPoll    *time.Time `json:"next_poll,omitempty"`
	Entries     int        `json:"entries"`
	// Waiting says why the next poll is later than the schedule would have
	// it, when it is.
	Waiting string   `json:"waiting,omitempty"`
	Notices []string `json:"notices,omitempty"`
}

// SourceReport returns the status of every active source, in URL order.
func SourceReport(ctx context.Context, st *store.Store, now time.Time) ([]SourceStatus, error) {
	sources, err := st.Sources(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := st.EntryCounts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SourceStatus, 0, len(sources))
	for _, s := range sources {
		out = append(out, statusOf(s, counts[s.ID], now))
	}
	return out, nil
}

// statusOf describes one source's stored state as of now.
func statusOf(s store.SourceState, entries int, now time.Time) SourceStatus {
	at := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		t = t.UTC()
		return &t
	}
	out := SourceStatus{Name: s.DisplayName(), URL: redact.Status(s.URL), LastPoll: at(s.LastPoll),
		LastSuccess: at(s.LastSuccess), Failures: s.Failures, NextPoll: at(s.NextPoll), Entries: entries,
		Notices: s.Notices}
	if s.URLIdentity {
		out.Notices = append([]string{"GUIDs missing or repeated: entries identified by URL"}, out.Notices...)
	}
	switch {
	case s.LastPoll.IsZero():
		out.State = StateNeverPolled
	case s.LastError == "":
		out.State = StateOK
	case strings.Contains(s.LastError, goneError):
		out.State = StateGone
		out.LastError, out.LastErrorAt = s.LastError, at(s.LastPoll)
		out.Waiting = "gone: polled again weekly, until " + s.NextPoll.UTC().Format(time.RFC3339)
	case s.NextPoll.After(now):
		out.State = StateBackingOff
		out.LastError, out.LastErrorAt = s.LastError, at(s.LastPoll)
		why := fmt.Sprintf("back-off after %d failures in a row", s.Failures)
		if s.Failures == 1 {
			why = "back-off after a failure"
		}
		if strings.Contains(s.LastError, "Retry-After") {
			why = "the server's Retry-After"
		}
		out.Waiting = why + ", until " + s.NextPoll.UTC().Format(time.RFC3339)
	default:
		out.State = StateFailing
		out.LastError, out.LastErrorAt = s.LastError, at(s.LastPoll)
	}
	return out
}
