package aggregator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/tributary/tributary/aggregator/categorize"
	"github.com/tributary/tributary/aggregator/entry"
	"github.com/tributary/tributary/aggregator/store"
	"github.com/tributary/tributary/config"
)

// Categories is a config's categorisation: its aliases, rules and filters,
// and each source's own categories and filters.
type Categories struct {
	categorizer *categorize.Categorizer
	sources     map[string]sourceCategories // by configured source URL
	// Fingerprint changes when anything here changes, so that stored
	// entries are categorised again.
	Fingerprint string
}

type sourceCategories struct {
	labels      []string
	useFeed     bool
	keep, block []categorize.Rule
}

// NewCategories prepares the categorisation of cfg.
func NewCategories(cfg *config.Config) *Categories {
	c := &Categories{
		categorizer: categorize.New(cfg.Categories.Aliases, rules(cfg.Categories.Rules), rules(cfg.Keep), rules(cfg.Block)),
		sources:     map[string]sourceCategories{},
	}
	for _, s := range cfg.Sources {
		c.sources[s.URL] = sourceCategories{labels: s.Categories, useFeed: s.UseFeedCategories, keep: rules(s.Keep), block: rules(s.Block)}
	}
	type fingerprinted struct {
		Categories config.Categories
		Keep       []config.Rule
		Block      []config.Rule
		Sources    []config.Source
	}
	b, _ := json.Marshal(fingerprinted{cfg.Categories, cfg.Keep, cfg.Block, cfg.Sources})
	sum := sha256.Sum256(b)
	c.Fingerprint = hex.EncodeToString(sum[:])
	return c
}

func rules(in []config.Rule) []categorize.Rule {
	out := make([]categorize.Rule, len(in))
	for i, r := range in {
		out[i] = categorize.Rule{Category: r.Category, Any: r.Any, All: r.All, Regex: r.Compiled, Fields: r.Fields}
	}
	return out
}

// Decide returns the categories of an entry of the source configured as
// sourceURL, or false when a keep or block filter keeps it out.
func (c *Categories) Decide(sourceURL string, e categorize.Entry, feedCategories []string) ([]entry.Category, bool) {
	src := c.sources[sourceURL]
	if !c.categorizer.Allowed(e, src.keep, src.block) {
		return nil, false
	}
	var out []entry.Category
	for _, cat := range c.categorizer.Categories(e, src.labels, feedCategories, src.useFeed) {
		out = append(out, entry.Category{Label: cat.Label, Slug: cat.Slug})
	}
	return out, true
}

// categorizeEntries sets the categories of entries, or marks them filtered.
func (c *Categories) categorizeEntries(sourceURL, sourceName string, entries []entry.Entry) {
	for i := range entries {
		e := &entries[i]
		cats, ok := c.Decide(sourceURL, categorize.Entry{Title: e.Title, Content: e.ContentText, Author: e.Author, URL: e.URL, Source: sourceName}, e.FeedCategories)
		e.Categories, e.Filtered = cats, !ok
	}
}

// ApplyCategories categorises the stored entries again when the
// categorisation changed since it was last applied (at start and reload).
func ApplyCategories(ctx context.Context, st *store.Store, c *Categories, now time.Time) (bool, error) {
	const key = "categories"
	if old, err := st.Meta(ctx, key); err != nil || old == c.Fingerprint {
		return false, err
	}
	err := st.Recategorize(ctx, now.Unix(), func(s store.Stored) ([]entry.Category, bool) {
		return c.Decide(s.SourceURL, categorize.Entry{Title: s.Title, Content: s.Text, Author: s.Author, URL: s.URL, Source: s.SourceName}, s.FeedCategories)
	})
	if err != nil {
		return false, err
	}
	return true, st.SetMeta(ctx, key, c.Fingerprint)
}
