package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/tributary/tributary/aggregator/entry"
)

// execer is a transaction or a database.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// setCategories replaces the categories of an entry; a new entry has none
// to replace.
func setCategories(ctx context.Context, tx execer, rowID int64, cats []entry.Category, isNew bool) error {
	if !isNew {
		if _, err := tx.ExecContext(ctx, `DELETE FROM entry_categories WHERE entry_id = ?`, rowID); err != nil {
			return err
		}
	}
	for _, c := range cats {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO entry_categories (entry_id, slug, label) VALUES (?, ?, ?)`,
			rowID, c.Slug, c.Label); err != nil {
			return err
		}
	}
	return nil
}

// forget tombstones an entry a filter keeps out, and deletes it if stored.
func forget(ctx context.Context, tx execer, sourceID int64, key string, at int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO tombstones (source_id, key, pruned_at) VALUES (?, ?, ?)`,
		sourceID, key, at); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM entries WHERE source_id = ? AND key = ?`, sourceID, key)
	return err
}

func jsonStrings(s []string) string {
	if len(s) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// CategoryCount is a category and how many entries the feeds show in it.
type CategoryCount struct {
	Label string
	Slug  string
	Count int
}

// CategoryCounts returns every category of the entries of active sources
// (duplicates not counted), most entries first, then by slug.
func (s *Store) CategoryCounts(ctx context.Context) ([]CategoryCount, error) {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT c.slug, min(c.label), count(*) FROM entry_categories c
		JOIN entries e ON e.id = c.entry_id JOIN sources s ON s.id = e.source_id
		WHERE s.active = 1 AND e.duplicate_of IS NULL
		GROUP BY c.slug ORDER BY count(*) DESC, c.slug`)
	if err != nil {
		return nil, fmt.Errorf("category counts: %w", err)
	}
	defer rows.Close()
	var out []CategoryCount
	for rows.Next() {
		var c CategoryCount
		if err := rows.Scan(&c.Slug, &c.Label, &c.Count); err != nil {
			return nil, fmt.Errorf("category counts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// addCategories fills in the categories of items.
func (s *Store) addCategories(ctx context.Context, items []Item) error {
	byRow := make(map[int64]*Item, len(items))
	for i := range items {
		byRow[items[i].RowID] = &items[i]
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT entry_id, slug, label FROM entry_categories
		WHERE entry_id IN (SELECT value FROM json_each(?)) ORDER BY entry_id, slug`, jsonInts(rowIDs(items)))
	if err != nil {
		return fmt.Errorf("categories of entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c entry.Category
		if err := rows.Scan(&id, &c.Slug, &c.Label); err != nil {
			return fmt.Errorf("categories of entries: %w", err)
		}
		if it := byRow[id]; it != nil {
			it.Categories = append(it.Categories, c)
		}
	}
	return rows.Err()
}

// Stored is an entry as recategorising needs it.
type Stored struct {
	RowID          int64
	SourceURL      string // the source's configured URL
	SourceName     string
	Key            string
	Title          string
	Text           string
	Author         string
	URL            string
	FeedCategories []string
}

// Recategorize applies a new categorisation to every stored entry of
// active sources, in one transaction: decide returns an entry's categories,
// or false when a filter now keeps it out (it is then forgotten).
func (s *Store) Recategorize(ctx context.Context, at int64, decide func(Stored) ([]entry.Category, bool)) error {
	rows, err := s.reader.QueryContext(ctx, `
		SELECT e.id, e.source_id, s.url,
			CASE WHEN s.name <> '' THEN s.name WHEN s.title <> '' THEN s.title ELSE s.fallback_name END,
			e.key, e.title, e.content_text, e.author, e.url, e.feed_categories
		FROM entries e JOIN sources s ON s.id = e.source_id WHERE s.active = 1`)
	if err != nil {
		return fmt.Errorf("recategorize: %w", err)
	}
	type decision struct {
		rowID, sourceID int64
		key             string
		cats            []entry.Category
		keep            bool
	}
	var all []decision
	for rows.Next() {
		var st Stored
		var sourceID int64
		var feedCats string
		if err := rows.Scan(&st.RowID, &sourceID, &st.SourceURL, &st.SourceName, &st.Key, &st.Title, &st.Text, &st.Author, &st.URL, &feedCats); err != nil {
			rows.Close()
			return fmt.Errorf("recategorize: %w", err)
		}
		json.Unmarshal([]byte(feedCats), &st.FeedCategories)
		cats, keep := decide(st)
		all = append(all, decision{st.RowID, sourceID, st.Key, cats, keep})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("recategorize: %w", err)
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("recategorize: %w", err)
	}
	defer tx.Rollback()
	for _, d := range all {
		if !d.keep {
			err = forget(ctx, tx, d.sourceID, d.key, at)
		} else {
			err = setCategories(ctx, tx, d.rowID, d.cats, false)
		}
		if err != nil {
			return fmt.Errorf("recategorize entry %d: %w", d.rowID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("recategorize: %w", err)
	}
	s.bump()
	return nil
}

// Meta returns a stored setting, or "".
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.reader.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, err
}

// SetMeta stores a setting.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	return setMeta(ctx, s.writer, key, value)
}
