package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tributary/tributary/aggregator/entry"
)

// Poll is the outcome of one successful poll of a source that brought a new
// body: the feed's metadata, its validators and its entries.
type Poll struct {
	SourceURL string
	// Identity is what entry ids are made from (config.Source.Identity);
	// SourceURL when empty.
	Identity     string
	At           time.Time
	Title        string
	SiteURL      string
	ETag         string
	LastModified string
	BodyHash     string
	NextPoll     time.Time
	// URLIdentity says the entries are keyed by URL because the feed's
	// GUIDs are unusable. When a source first switches, its stored entries
	// are re-keyed by URL so that they are not stored twice.
	URLIdentity bool
	// Notices are what this poll noticed about the feed that an operator
	// should know (items told apart by content, items left out).
	Notices []string
	Entries []entry.Entry
}

// PollCounts says what a poll changed. Unchanged counts the entries that
// were already stored as they are, and those pruned before (tombstoned).
// Duplicates counts the new entries that duplicate another source's.
type PollCounts struct {
	New, Updated, Unchanged, Duplicates, Filtered int
}

// Saved is an entry that a poll inserted or changed.
type Saved struct {
	Index int   // in Poll.Entries
	RowID int64 // the entry's row id
}

// The statements of a poll's transaction (see SavePoll).
const (
	selectSourceSQL = `SELECT id, url_identity FROM sources WHERE url = ?`
	updateSourceSQL = `
		UPDATE sources SET title = ?, site_url = ?, etag = ?, last_modified = ?, body_hash = ?,
			last_poll = ?, last_success = ?, last_error = '', failures = 0, next_poll = ?, url_identity = ?, notices = ?
		WHERE id = ?`
	upsertEntrySQL = `
		INSERT INTO entries (public_id, source_id, key, url, title, author, content_html, content_text,
			published, updated, first_seen, modified_at, hash, fingerprint, duplicate_of, feed_categories, link)
		SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17
		-- a pruned entry that the feed lists again stays pruned
		WHERE NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.source_id = ?2 AND t.key = ?3)
		ON CONFLICT (source_id, key) DO UPDATE SET
			url = excluded.url, link = excluded.link, title = excluded.title, author = excluded.author,
			content_html = excluded.content_html, content_text = excluded.content_text,
			published = excluded.published,
			updated = coalesce(excluded.updated, excluded.modified_at),
			modified_at = excluded.modified_at, hash = excluded.hash, fingerprint = excluded.fingerprint,
			feed_categories = excluded.feed_categories
		WHERE entries.hash <> excluded.hash
		RETURNING id, first_seen, duplicate_of IS NOT NULL`
)

// SavePoll writes a poll in one transaction: new entries are inserted with
// first_seen = p.At, entries whose hash changed are updated in place (their
// first_seen kept, and whether they duplicate another source's entry
// decided once, when first stored), and the source's validators and status
// are saved. If anything fails nothing is written, the old validators
// included. It returns the entries it inserted or changed.
func (s *Store) SavePoll(ctx context.Context, p Poll) (PollCounts, []Saved, error) {
	var counts PollCounts
	var saved []Saved
	s.keysMu.Lock()
	defer s.keysMu.Unlock()
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return counts, nil, fmt.Errorf("save poll of %s: %w", p.SourceURL, err)
	}
	defer tx.Rollback()

	var sourceID int64
	var wasURLIdentity bool
	source, err := s.txStmt(ctx, tx, selectSourceSQL)
	if err == nil {
		err = source.QueryRowContext(ctx, p.SourceURL).Scan(&sourceID, &wasURLIdentity)
	}
	if err != nil {
		return counts, nil, fmt.Errorf("save poll of %s: source: %w", p.SourceURL, err)
	}
	update, err := s.txStmt(ctx, tx, updateSourceSQL)
	if err == nil {
		_, err = update.ExecContext(ctx,
			p.Title, p.SiteURL, p.ETag, p.LastModified, p.BodyHash, p.At.Unix(), p.At.Unix(), p.NextPoll.Unix(), p.URLIdentity,
			strings.Join(p.Notices, "\n"), sourceID)
	}
	if err != nil {
		return counts, nil, fmt.Errorf("save poll of %s: source: %w", p.SourceURL, err)
	}
	if p.URLIdentity && !wasURLIdentity {
		// Entries keep their public ids; only the key they are matched by
		// changes. Two GUIDs for one URL cannot both become that URL: the
		// later is left as it was.
		_, err = tx.ExecContext(ctx, `
			UPDATE OR IGNORE entries SET key = 'url:' || url
			WHERE source_id = ? AND key LIKE 'guid:%' AND url <> ''`, sourceID)
		if err != nil {
			return counts, nil, fmt.Errorf("save poll of %s: re-key by URL: %w", p.SourceURL, err)
		}
	}

	upsert, err := s.txStmt(ctx, tx, upsertEntrySQL)
	if err != nil {
		return counts, nil, fmt.Errorf("save poll of %s: %w", p.SourceURL, err)
	}
	defer upsert.Close()
	keys, err := s.newKeyWriter(ctx, tx)
	if err != nil {
		return counts, nil, fmt.Errorf("save poll of %s: %w", p.SourceURL, err)
	}
	defer keys.Close()

	at := p.At.Unix()
	for i, e := range p.Entries {
		if e.Filtered {
			// Kept out by a filter: remembered, and gone if it was stored.
			if err := forget(ctx, tx, sourceID, e.Key, at); err != nil {
				return PollCounts{}, nil, fmt.Errorf("filter entry %q of %s: %w", e.Key, p.SourceURL, err)
			}
			counts.Filtered++
			continue
		}
		var rowID, firstSeen int64
		var duplicate bool
		dup := sql.NullInt64{Int64: e.DuplicateOf, Valid: e.DuplicateOf != 0}
		err := upsert.QueryRowContext(ctx,
			entry.ID(cmp.Or(p.Identity, p.SourceURL), e.Key), sourceID, e.Key, e.URL, e.Title, e.Author, e.ContentHTML, e.ContentText,
			nullTime(e.Published), nullTime(e.Updated), at, at, e.Hash, e.Sketch, dup, jsonStrings(e.FeedCategories), e.Link,
		).Scan(&rowID, &firstSeen, &duplicate)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			counts.Unchanged++
			continue
		case err != nil:
			return PollCounts{}, nil, fmt.Errorf("save entry %q of %s: %w", e.Key, p.SourceURL, err)
		case firstSeen == at:
			counts.New++
			if duplicate {
				counts.Duplicates++
			}
		default:
			counts.Updated++
		}
		if err := setCategories(ctx, tx, rowID, e.Categories, firstSeen == at); err != nil {
			return PollCounts{}, nil, fmt.Errorf("save categories of %q of %s: %w", e.Key, p.SourceURL, err)
		}
		if err := keys.set(ctx, rowID, e.DedupKeys, firstSeen != at); err != nil {
			return PollCounts{}, nil, fmt.Errorf("save duplicate keys of %q of %s: %w", e.Key, p.SourceURL, err)
		}
		saved = append(saved, Saved{Index: i, RowID: rowID})
	}
	if err := tx.Commit(); err != nil {
		return PollCounts{}, nil, fmt.Errorf("save poll of %s: %w", p.SourceURL, err)
	}
	if counts.New+counts.Updated+counts.Filtered > 0 {
		s.bump()
	}
	// The poll is saved. Its new entries' keys wait in memory; if writing
	// the keys that wait fails now, they wait on, and FlushKeys at the end
	// of the cycle reports it.
	_ = keys.done(ctx, s)
	return counts, saved, nil
}

// Ref is what a link to an entry needs.
type Ref struct {
	ID    string // public id
	URL   string
	Title string
}

// Refs returns the entries with the given row ids that still exist.
func (s *Store) Refs(ctx context.Context, rowIDs []int64) (map[int64]Ref, error) {
	out := make(map[int64]Ref, len(rowIDs))
	if len(rowIDs) == 0 {
		return out, nil
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT id, public_id, CASE WHEN link <> '' THEN link ELSE url END, title
		FROM entries WHERE id IN (SELECT value FROM json_each(?))`, jsonInts(rowIDs))
	if err != nil {
		return nil, fmt.Errorf("entry refs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r Ref
		if err := rows.Scan(&id, &r.ID, &r.URL, &r.Title); err != nil {
			return nil, fmt.Errorf("entry refs: %w", err)
		}
		out[id] = r
	}
	return out, rows.Err()
}

// Text is an entry's text, for the related-entries index.
type Text struct {
	RowID       int64
	Title       string
	Text        string
	At          time.Time // published, else first seen
	DuplicateOf int64
	Categories  []string // slugs
}

// Texts returns the texts of the newest limit entries of active sources
// (0: all), oldest first.
func (s *Store) Texts(ctx context.Context, limit int) ([]Text, error) {
	var out []Text
	err := s.EachText(ctx, limit, func(t Text) { out = append(out, t) })
	return out, err
}

// EachText calls fn with each of the newest limit entries (by first
// sighting; 0: all) of active sources, oldest first, one at a time, so that
// the texts of a large archive are never all in memory.
func (s *Store) EachText(ctx context.Context, limit int, fn func(Text)) error {
	if limit <= 0 {
		limit = -1 // no limit
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT e.id, e.title, e.content_text, coalesce(e.published, e.first_seen), coalesce(e.duplicate_of, 0),
			coalesce((SELECT group_concat(slug, ' ') FROM entry_categories WHERE entry_id = e.id), '')
		FROM entries e
		WHERE e.id IN (
			SELECT e.id FROM entries e JOIN sources s ON s.id = e.source_id
			WHERE s.active = 1 ORDER BY e.id DESC LIMIT ?)
		ORDER BY e.id`, limit)
	if err != nil {
		return fmt.Errorf("entry texts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t Text
		var at int64
		var cats string
		if err := rows.Scan(&t.RowID, &t.Title, &t.Text, &at, &t.DuplicateOf, &cats); err != nil {
			return fmt.Errorf("entry texts: %w", err)
		}
		t.At = fromUnix(at)
		t.Categories = strings.Fields(cats)
		fn(t)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("entry texts: %w", err)
	}
	return nil
}

// Item is an entry as the publisher shows it, with its source.
type Item struct {
	entry.Entry
	RowID    int64
	Modified time.Time // when the row was last written
	Source   SourceRef
	// AlsoFrom are the copies of this entry that other sources published
	// later: the feeds show the entry once and name them.
	AlsoFrom []Copy
}

// Copy is another source's copy of an entry.
type Copy struct {
	Source string // the source's display name
	URL    string // the copy's link
}

// SourceRef names the source an item came from.
type SourceRef struct {
	Title   string
	SiteURL string
	FeedURL string
}

// Latest returns the newest limit entries of all active sources, ordered by
// published date (first_seen when there is none), newest first, ties by
// first_seen and then by insertion order.
//
// Entries of "hold" sources dated after now are left out, and so are
// duplicates of an entry another active source published first (that entry
// lists them in AlsoFrom).
//
// With a category slug, only entries of that category are returned.
func (s *Store) Latest(ctx context.Context, now time.Time, limit int, category string) ([]Item, error) {
	items, _, err := s.LatestPage(ctx, now, limit, category, Cursor{})
	return items, err
}

// Cursor is a place in the order of Latest: the entries after it are
// older. The zero Cursor is the start.
type Cursor struct {
	At, FirstSeen, ID int64 // published (else first seen), first seen, row id
}

// CursorOf is the place of it in the order of Latest.
func CursorOf(it Item) Cursor {
	return Cursor{At: it.PublishedOr(it.FirstSeen).Unix(), FirstSeen: it.FirstSeen.Unix(), ID: it.RowID}
}

// String is the cursor as it goes into a URL ("?before=…").
func (c Cursor) String() string { return fmt.Sprintf("%d.%d.%d", c.At, c.FirstSeen, c.ID) }

// ParseCursor reads a Cursor.String.
func ParseCursor(s string) (Cursor, error) {
	var c Cursor
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return c, fmt.Errorf("bad cursor %q", s)
	}
	for i, p := range []*int64{&c.At, &c.FirstSeen, &c.ID} {
		n, err := strconv.ParseInt(parts[i], 10, 64)
		if err != nil || n < 0 && i > 0 {
			return c, fmt.Errorf("bad cursor %q", s)
		}
		*p = n
	}
	return c, nil
}

// LatestPage is Latest for the entries after before (from the start when
// it is zero), and says whether there are more after the page.
func (s *Store) LatestPage(ctx context.Context, now time.Time, limit int, category string, before Cursor) ([]Item, bool, error) {
	if before == (Cursor{}) {
		before = Cursor{math.MaxInt64, math.MaxInt64, math.MaxInt64}
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT e.id, e.public_id, e.key, e.url, CASE WHEN e.link <> '' THEN e.link ELSE e.url END,
			e.title, e.author, e.content_html, e.content_text,
			e.published, e.updated, e.first_seen, e.modified_at, e.hash,
			CASE WHEN s.name <> '' THEN s.name WHEN s.title <> '' THEN s.title ELSE s.fallback_name END,
			s.site_url, s.location
		FROM entries e JOIN sources s ON s.id = e.source_id
		WHERE s.active = 1 AND NOT (s.future_dates = 'hold' AND e.published > ?)
			AND NOT EXISTS (SELECT 1 FROM entries o JOIN sources os ON os.id = o.source_id
				WHERE o.id = e.duplicate_of AND os.active = 1)
			AND (? = '' OR EXISTS (SELECT 1 FROM entry_categories c WHERE c.entry_id = e.id AND c.slug = ?))
			AND (coalesce(e.published, e.first_seen), e.first_seen, e.id) < (?, ?, ?)
		ORDER BY coalesce(e.published, e.first_seen) DESC, e.first_seen DESC, e.id DESC
		LIMIT ?`, now.Unix(), category, category, before.At, before.FirstSeen, before.ID, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("latest entries: %w", err)
	}
	defer rows.Close()
	var items []Item
	for rows.Next() {
		var it Item
		var published, updated sql.NullInt64
		var firstSeen, modified int64
		err := rows.Scan(&it.RowID, &it.ID, &it.Key, &it.URL, &it.Link, &it.Title, &it.Author, &it.ContentHTML, &it.ContentText,
			&published, &updated, &firstSeen, &modified, &it.Hash,
			&it.Source.Title, &it.Source.SiteURL, &it.Source.FeedURL)
		if err != nil {
			return nil, false, fmt.Errorf("latest entries: %w", err)
		}
		it.FirstSeen = fromUnix(firstSeen)
		it.Published = fromNull(published)
		it.Updated = fromNull(updated)
		it.Modified = fromUnix(modified)
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("latest entries: %w", err)
	}
	rows.Close()
	more := len(items) > limit
	if more {
		items = items[:limit]
	}
	if err := s.addCopies(ctx, items); err != nil {
		return nil, false, err
	}
	if err := s.addCategories(ctx, items); err != nil {
		return nil, false, err
	}
	return items, more, nil
}

// addCopies fills in AlsoFrom: the duplicates of items in active sources,
// in the order they were first seen.
func (s *Store) addCopies(ctx context.Context, items []Item) error {
	if len(items) == 0 {
		return nil
	}
	byRow := make(map[int64]*Item, len(items))
	for i := range items {
		byRow[items[i].RowID] = &items[i]
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT d.duplicate_of, CASE WHEN d.link <> '' THEN d.link ELSE d.url END,
			CASE WHEN s.name <> '' THEN s.name WHEN s.title <> '' THEN s.title ELSE s.fallback_name END
		FROM entries d JOIN sources s ON s.id = d.source_id
		WHERE s.active = 1 AND d.duplicate_of IN (SELECT value FROM json_each(?))
		ORDER BY d.first_seen, d.id`, jsonInts(rowIDs(items)))
	if err != nil {
		return fmt.Errorf("copies of entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var of int64
		var c Copy
		if err := rows.Scan(&of, &c.URL, &c.Source); err != nil {
			return fmt.Errorf("copies of entries: %w", err)
		}
		if it := byRow[of]; it != nil {
			it.AlsoFrom = append(it.AlsoFrom, c)
		}
	}
	return rows.Err()
}

func rowIDs(items []Item) []int64 {
	ids := make([]int64, len(items))
	for i := range items {
		ids[i] = items[i].RowID
	}
	return ids
}

// jsonInts writes ids as a JSON array, for json_each.
func jsonInts(ids []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(']')
	return b.String()
}

// NextRelease returns the earliest date after now of an entry held back by
// a "hold" source; ok is false when none is held. Output rendered at now is
// stale from then on.
func (s *Store) NextRelease(ctx context.Context, now time.Time) (t time.Time, ok bool, err error) {
	var next sql.NullInt64
	err = s.reader.QueryRowContext(ctx, `
		SELECT min(e.published) FROM sources s CROSS JOIN entries e ON e.source_id = s.id -- sources first: few hold
		WHERE s.active = 1 AND s.future_dates = 'hold' AND e.published > ?`, now.Unix()).Scan(&next)
	if err != nil || !next.Valid {
		return time.Time{}, false, err
	}
	return fromUnix(next.Int64), true, nil
}

// StoredHashes returns, for those of keys that the source with row id
// sourceID has stored, the hash of what was stored, so that a poll can skip
// the work on entries that did not change.
func (s *Store) StoredHashes(ctx context.Context, sourceID int64, keys []string) (map[string]string, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT key, hash FROM entries WHERE source_id = ? AND key IN (SELECT value FROM json_each(?))`,
		sourceID, jsonStrings(keys))
	if err != nil {
		return nil, fmt.Errorf("stored entries: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var key, hash string
		if err := rows.Scan(&key, &hash); err != nil {
			return nil, fmt.Errorf("stored entries: %w", err)
		}
		out[key] = hash
	}
	return out, rows.Err()
}

// ContentText returns the plain text of the entry with row id, for
// verifying a duplicate against it; ok is false when there is no such
// entry.
func (s *Store) ContentText(ctx context.Context, rowID int64) (text string, ok bool, err error) {
	stmt, err := s.stmt(ctx, s.reader, `SELECT content_text FROM entries WHERE id = ?`)
	if err != nil {
		return "", false, fmt.Errorf("entry %d: %w", rowID, err)
	}
	err = stmt.QueryRowContext(ctx, rowID).Scan(&text)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("entry %d: %w", rowID, err)
	}
	return text, true, nil
}

// EntryTexts calls fn with the title and plain text of each entry of ids
// that is stored, in the order of their ids: the related-entries index
// reads an entry's words again from them.
func (s *Store) EntryTexts(ctx context.Context, ids []int64, fn func(id int64, title, text string)) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT id, title, content_text FROM entries
		WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`, jsonInts(ids))
	if err != nil {
		return fmt.Errorf("entry texts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title, text string
		if err := rows.Scan(&id, &title, &text); err != nil {
			return fmt.Errorf("entry texts: %w", err)
		}
		fn(id, title, text)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("entry texts: %w", err)
	}
	return nil
}

// CountEntries returns how many entries are stored, inactive sources
// included.
func (s *Store) CountEntries(ctx context.Context) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM entries`).Scan(&n)
	return n, err
}

func nullTime(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.Unix(), Valid: true}
}
