package categorize

import "slices"

// Category is a label and its slug.
type Category struct {
	Label string
	Slug  string
}

// Categorizer applies a config's aliases, rules and filters.
type Categorizer struct {
	aliases map[string]string // folded label → label
	rules   []Rule
	keep    []Rule // global
	block   []Rule // global
}

// New returns a Categorizer. aliases maps labels (compared folded) onto the
// label to use; rules give categories; keep and block are the global filters.
func New(aliases map[string]string, rules, keep, block []Rule) *Categorizer {
	c := &Categorizer{aliases: map[string]string{}, rules: rules, keep: keep, block: block}
	for from, to := range aliases {
		c.aliases[Fold(from)] = to
	}
	return c
}

// Label returns the label that l stands for after aliases.
func (c *Categorizer) Label(l string) string {
	if to, ok := c.aliases[Fold(l)]; ok {
		return to
	}
	return l
}

// Categories returns the categories of e: those of its source, those of the
// feed when useFeed is set, and those of every matching rule, each once (by
// slug), in that order.
func (c *Categorizer) Categories(e Entry, sourceCats, feedCats []string, useFeed bool) []Category {
	var out []Category
	add := func(label string) {
		label = c.Label(label)
		slug := Slug(label)
		if slug == "" || slices.ContainsFunc(out, func(x Category) bool { return x.Slug == slug }) {
			return
		}
		out = append(out, Category{Label: label, Slug: slug})
	}
	for _, l := range sourceCats {
		add(l)
	}
	if useFeed {
		for _, l := range feedCats {
			add(l)
		}
	}
	for i := range c.rules {
		if c.rules[i].Match(e) {
			add(c.rules[i].Category)
		}
	}
	return out
}

// Allowed reports whether e passes the keep and block filters, the source's
// and the global ones: with keep rules, it must match one of them; it must
// match no block rule.
func (c *Categorizer) Allowed(e Entry, sourceKeep, sourceBlock []Rule) bool {
	for _, keep := range [][]Rule{c.keep, sourceKeep} {
		if len(keep) > 0 && !slices.ContainsFunc(keep, func(r Rule) bool { return r.Match(e) }) {
			return false
		}
	}
	for _, block := range [][]Rule{c.block, sourceBlock} {
		if slices.ContainsFunc(block, func(r Rule) bool { return r.Match(e) }) {
			return false
		}
	}
	return true
}
