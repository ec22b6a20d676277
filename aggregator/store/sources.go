package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// SourceConfig is what the config says about a source.
type SourceConfig struct {
	URL      string // identity, as configured
	Location string // where it is fetched from
	Name     string // optional display name
	// FutureDates is the source's future-date policy; "hold" keeps entries
	// dated in the future out of the feeds until their date.
	FutureDates string
}

// SourceState is what the store remembers about a source between polls.
type SourceState struct {
	ID           int64
	URL          string
	Location     string
	Name         string
	Title        string
	SiteURL      string
	ETag         string
	LastModified string
	BodyHash     string
	LastPoll     time.Time // zero if never polled
	LastSuccess  time.Time
	LastError    string
	Failures     int
	NextPoll     time.Time
	// URLIdentity is set once the source's GUIDs proved unusable: its
	// entries are keyed by URL from then on.
	URLIdentity bool
	// Notices are what the last successful poll noticed about the feed.
	Notices []string
	// Identity is what entry ids are made from when it is not the URL:
	// the identity of the source this one replaced ("" otherwise).
	Identity string
	// MovedTo is where the feed answered it has moved for good (301, 308).
	MovedTo string
}

// DisplayName is the configured name, else the feed's title, else the
// source's host (see FallbackName).
func (s *SourceState) DisplayName() string {
	switch {
	case s.Name != "":
		return s.Name
	case s.Title != "":
		return s.Title
	}
	return FallbackName(s.Location)
}

// FallbackName is the name of a source that has neither a configured name
// nor a feed title: the host of its location, or "local feed" for a file.
// A configured URL may carry credentials or a token, and a path tells the
// world about the server, so neither is ever shown.
func FallbackName(location string) string {
	if u, err := url.Parse(location); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Hostname() != "" {
		return u.Hostname()
	}
	return "local feed"
}

// SyncSources makes the configured sources the active ones: new sources are
// added, known ones get their location and name refreshed, and sources no
// longer configured are marked inactive (their entries stay stored but leave
// the feeds).
func (s *Store) SyncSources(ctx context.Context, sources []SourceConfig) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sync sources: %w", err)
	}
	defer tx.Rollback()
	// The sources active until now, to recognise one replaced by a new
	// URL: the feed moved there (301), or the config names it the same.
	type previous struct{ url, name, identity, movedTo string }
	var before []previous
	rows, err := tx.QueryContext(ctx, `SELECT url, name, identity, moved_to FROM sources WHERE active = 1`)
	if err != nil {
		return fmt.Errorf("sync sources: %w", err)
	}
	for rows.Next() {
		var p previous
		if err := rows.Scan(&p.url, &p.name, &p.identity, &p.movedTo); err != nil {
			rows.Close()
			return fmt.Errorf("sync sources: %w", err)
		}
		before = append(before, p)
	}
	rows.Close()
	configured := map[string]bool{}
	for _, src := range sources {
		configured[src.URL] = true
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sources SET active = 0`); err != nil {
		return fmt.Errorf("sync sources: %w", err)
	}
	for _, src := range sources {
		var known int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sources WHERE url = ?`, src.URL).Scan(&known); err != nil {
			return fmt.Errorf("sync source %s: %w", src.URL, err)
		}
		identity := ""
		for _, p := range before {
			if known == 0 && !configured[p.url] && (p.movedTo == src.URL || p.name != "" && p.name == src.Name) {
				identity = cmp.Or(p.identity, p.url) // the same source under a new URL
			}
		}
		if identity != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sources (url, location, identity) VALUES (?, ?, ?)`, src.URL, src.Location, identity); err != nil {
				return fmt.Errorf("sync source %s: %w", src.URL, err)
			}
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO sources (url, location, name, future_dates, fallback_name, active) VALUES (?, ?, ?, ?, ?, 1)
			ON CONFLICT (url) DO UPDATE SET location = excluded.location, name = excluded.name,
				future_dates = excluded.future_dates, fallback_name = excluded.fallback_name, active = 1`,
			src.URL, src.Location, src.Name, src.FutureDates, FallbackName(src.Location))
		if err != nil {
			return fmt.Errorf("sync source %s: %w", src.URL, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sync sources: %w", err)
	}
	s.bump()
	return nil
}

const sourceColumns = `id, url, location, name, title, site_url, etag, last_modified, body_hash,
	last_poll, last_success, last_error, failures, next_poll, url_identity, notices, identity, moved_to`

func scanSource(row interface{ Scan(...any) error }) (SourceState, error) {
	var st SourceState
	var lastPoll, lastSuccess sql.NullInt64
	var nextPoll int64
	var notices string
	err := row.Scan(&st.ID, &st.URL, &st.Location, &st.Name, &st.Title, &st.SiteURL, &st.ETag,
		&st.LastModified, &st.BodyHash, &lastPoll, &lastSuccess, &st.LastError, &st.Failures, &nextPoll, &st.URLIdentity, &notices, &st.Identity, &st.MovedTo)
	if notices != "" {
		st.Notices = strings.Split(notices, "\n")
	}
	st.LastPoll = fromNull(lastPoll)
	st.LastSuccess = fromNull(lastSuccess)
	st.NextPoll = fromUnix(nextPoll)
	return st, err
}

// Source returns the state of the source configured as url.
func (s *Store) Source(ctx context.Context, url string) (SourceState, error) {
	st, err := scanSource(s.reader.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources WHERE url = ?`, url))
	if err != nil {
		return st, fmt.Errorf("load source %s: %w", url, err)
	}
	return st, nil
}

// Sources returns the state of every active source, in URL order.
func (s *Store) Sources(ctx context.Context) ([]SourceState, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources WHERE active = 1 ORDER BY url`)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	defer rows.Close()
	var out []SourceState
	for rows.Next() {
		st, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("list sources: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// RecordFailure notes that polling the source failed. Its entries and
// validators are left as they were.
func (s *Store) RecordFailure(ctx context.Context, url string, at time.Time, reason string, next time.Time) error {
	_, err := s.writer.ExecContext(ctx, `
		UPDATE sources SET last_poll = ?, last_error = ?, failures = failures + 1, next_poll = ?
		WHERE url = ?`, at.Unix(), reason, next.Unix(), url)
	if err != nil {
		return fmt.Errorf("record failure of %s: %w", url, err)
	}
	return nil
}

// Unchanged is a successful poll that brought nothing new (a 304, or a body
// identical to the last one).
type Unchanged struct {
	URL          string // the source, as configured
	At           time.Time
	ETag         string
	LastModified string
	Next         time.Time
	// Notice, when not empty, replaces the source's notices; an empty one
	// leaves those of the last parsed body.
	Notice string
}

const recordUnchangedSQL = `
	UPDATE sources SET last_poll = ?, last_success = ?, last_error = '', failures = 0, next_poll = ?,
		etag = ?, last_modified = ?, notices = CASE WHEN ? = '' THEN notices ELSE ? END
	WHERE url = ?`

func unchangedArgs(u Unchanged) []any {
	return []any{u.At.Unix(), u.At.Unix(), u.Next.Unix(), u.ETag, u.LastModified, u.Notice, u.Notice, u.URL}
}

// RecordUnchanged records one unchanged poll.
func (s *Store) RecordUnchanged(ctx context.Context, u Unchanged) error {
	if _, err := s.writer.ExecContext(ctx, recordUnchangedSQL, unchangedArgs(u)...); err != nil {
		return fmt.Errorf("record poll of %s: %w", u.URL, err)
	}
	return nil
}

// RecordUnchangedAll records many unchanged polls in one transaction: a
// cycle in which a thousand feeds answer 304 costs one commit, not a
// thousand.
func (s *Store) RecordUnchangedAll(ctx context.Context, polls []Unchanged) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record unchanged polls: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, recordUnchangedSQL)
	if err != nil {
		return fmt.Errorf("record unchanged polls: %w", err)
	}
	defer stmt.Close()
	for _, u := range polls {
		if _, err := stmt.ExecContext(ctx, unchangedArgs(u)...); err != nil {
			return fmt.Errorf("record poll of %s: %w", u.URL, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record unchanged polls: %w", err)
	}
	return nil
}

func fromNull(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromUnix(n.Int64)
}

func fromUnix(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

// EntryCounts returns how many entries each source has stored, by source
// row id.
func (s *Store) EntryCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT source_id, count(*) FROM entries GROUP BY source_id`)
	if err != nil {
		return nil, fmt.Errorf("count entries: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count entries: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// RecordMove notes where a source's feed has moved for good ("" when it
// no longer redirects), so that the config following it keeps the source's
// identity.
func (s *Store) RecordMove(ctx context.Context, url, movedTo string) error {
	if _, err := s.writer.ExecContext(ctx, `UPDATE sources SET moved_to = ? WHERE url = ?`, movedTo, url); err != nil {
		return fmt.Errorf("record move of %s: %w", url, err)
	}
	return nil
}

// ForgetValidators drops a source's ETag, Last-Modified and body hash, so
// that its next poll reads and parses the whole feed again (its parsing
// settings changed).
func (s *Store) ForgetValidators(ctx context.Context, url string) error {
	if _, err := s.writer.ExecContext(ctx, `UPDATE sources SET etag = '', last_modified = '', body_hash = '' WHERE url = ?`, url); err != nil {
		return fmt.Errorf("forget validators of %s: %w", url, err)
	}
	return nil
}

// RecordOffline notes a poll that could not reach any host because the
// machine was offline: the reason is shown, but the source's failures are
// not counted, so no back-off follows.
func (s *Store) RecordOffline(ctx context.Context, url string, at time.Time, reason string, next time.Time) error {
	_, err := s.writer.ExecContext(ctx, `
		UPDATE sources SET last_poll = ?, last_error = ?, next_poll = ? WHERE url = ?`, at.Unix(), reason, next.Unix(), url)
	if err != nil {
		return fmt.Errorf("record offline poll of %s: %w", url, err)
	}
	return nil
}

// SourceEvent is something that happened to a source: it started to fail
// (Kind "failing"), recovered ("recovered", Detail the last error), or is
// gone ("gone", a 410).
type SourceEvent struct {
	ID     int64
	Source SourceState
	At     time.Time
	Kind   string
	Detail string
}

// SourceEvents returns the newest limit events of active sources, newest
// first.
func (s *Store) SourceEvents(ctx context.Context, limit int) ([]SourceEvent, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT ev.id, ev.at, ev.kind, ev.detail, `+prefixed("s.", sourceColumns)+`
		FROM source_events ev JOIN sources s ON s.id = ev.source_id
		WHERE s.active = 1 ORDER BY ev.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("source events: %w", err)
	}
	defer rows.Close()
	var out []SourceEvent
	for rows.Next() {
		var ev SourceEvent
		var at int64
		st, err := scanSource(prependScanner{rows, []any{&ev.ID, &at, &ev.Kind, &ev.Detail}})
		if err != nil {
			return nil, fmt.Errorf("source events: %w", err)
		}
		ev.Source, ev.At = st, fromUnix(at)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// prependScanner scans the first columns of a row into first, and hands
// the rest to whoever calls Scan.
type prependScanner struct {
	rows  *sql.Rows
	first []any
}

func (p prependScanner) Scan(dest ...any) error { return p.rows.Scan(append(p.first, dest...)...) }

// prefixed qualifies each of a comma-separated column list with prefix.
func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
