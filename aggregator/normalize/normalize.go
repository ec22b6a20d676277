// Package normalize turns gofeed items into entries: identity key, canonical
// URL, dates by DESIGN.md's time rules, sanitised HTML with absolute links,
// and a plain-text copy. It is pure: the time of the poll is passed in.
package normalize

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/mmcdole/gofeed"

	"github.com/tributary/tributary/aggregator/entry"
	"github.com/tributary/tributary/aggregator/feeddate"
)

// Size caps on untrusted text, in bytes.
const (
	maxTitle   = 1024
	maxAuthor  = 256
	maxContent = 256 << 10
)

// NotPermalink is the key in gofeed.Item.Custom that the parser sets for an
// RSS GUID marked isPermaLink="false": such a GUID is never taken as a URL.
const NotPermalink = "tributary:guid-not-permalink"

// Options describe the source being normalised.
type Options struct {
	FeedURL    string         // where the feed was fetched from; relative links resolve against it
	Now        time.Time      // time of the poll
	KeepFuture bool           // future_dates: keep or hold (else clamp)
	Location   *time.Location // for dates that name no zone or an unknown one; nil means UTC
	// URLIdentity makes URLs the keys even when GUIDs look usable: once a
	// source's GUIDs have failed it, it stays on URLs so keys do not flip.
	URLIdentity bool
}

// Normalizer turns feed items into entries. It is safe for concurrent use.
type Normalizer struct {
	policy *bluemonday.Policy
}

// New returns a Normalizer.
func New() *Normalizer {
	return &Normalizer{policy: newPolicy()}
}

// Identity says how a document's items were told apart.
type Identity struct {
	// ByURL reports that the items are keyed by URL rather than GUID,
	// because Options asked for it or because too many of the document's
	// GUIDs are missing or shared by different articles (see GUIDsUnusable).
	ByURL bool
	// ByContent counts the items keyed by a hash of their title, date and
	// text: they have neither a usable GUID nor a link, or neither told
	// them apart from another item of the document that says something
	// else. Such a key changes when the item is edited.
	ByContent int
}

// Entries normalises the items of feed. Two items of one document that
// differ in title or text are never one entry: when their GUIDs and links
// cannot tell them apart they are keyed by their content. Items that are
// the same in every way are kept once.
func (n *Normalizer) Entries(feed *gofeed.Feed, opts Options) ([]entry.Entry, Identity) {
	base, _ := url.Parse(opts.FeedURL)
	if feed.Link != "" {
		if l, err := url.Parse(feed.Link); err == nil && base != nil {
			base = base.ResolveReference(l)
		}
	}
	items := make([]*gofeed.Item, 0, len(feed.Items))
	all := make([]entry.Entry, 0, len(feed.Items))
	guids := make([]string, 0, len(feed.Items))
	for _, it := range feed.Items {
		if it == nil {
			continue
		}
		items = append(items, it)
		all = append(all, n.entry(it, base, opts, feed.FeedType == "json"))
		guids = append(guids, strings.TrimSpace(it.GUID))
	}
	urls := make([]string, len(all))
	for i := range all {
		urls[i] = all[i].URL
	}
	var id Identity
	id.ByURL = opts.URLIdentity || GUIDsUnusable(guids, urls)
	guidCount := map[string]int{}
	for _, g := range guids {
		guidCount[g]++
	}
	keys := make([]string, len(all))
	for i, e := range all {
		guidOK := guids[i] != "" && guidCount[guids[i]] == 1 && !id.ByURL
		keys[i] = Key(guids[i], guidOK, e.URL, e.Title, items[i].Published, e.ContentText)
	}
	// Items that share a key but differ in title or text are not one item:
	// they get, as a group, the first of these that tells them all apart:
	// their link with its fragment, their rdf:about (RSS 1.0), their
	// content.
	for _, group := range clashes(keys, all) {
		fragment, about := make([]string, len(group)), make([]string, len(group))
		content := make([]string, len(group))
		for j, i := range group {
			content[j] = all[i].Title + "\x00" + all[i].ContentText
			if f := fragmentOf(all[i].Link); f != "" && all[i].URL != "" {
				fragment[j] = "url:" + all[i].URL + "#" + f
			}
			if a := items[i].Custom[RDFAbout]; a != "" {
				about[j] = "about:" + a
			}
		}
		chosen := fragment
		if !separates(chosen, content) {
			chosen = about
		}
		ok := separates(chosen, content)
		for j, i := range group {
			if ok {
				keys[i] = chosen[j]
			} else {
				keys[i] = "hash:" + hashOf(all[i].Title, items[i].Published, all[i].ContentText)
			}
		}
	}
	seen := map[string]bool{}
	entries := make([]entry.Entry, 0, len(all))
	for i, e := range all {
		e.Key = keys[i]
		if seen[e.Key] {
			continue
		}
		seen[e.Key] = true
		if strings.HasPrefix(e.Key, "hash:") {
			id.ByContent++
		}
		entries = append(entries, e)
	}
	return entries, id
}

// RDFAbout is the key of gofeed.Item.Custom under which parse keeps an RSS
// 1.0 item's rdf:about.
const RDFAbout = "rdf:about"

// clashes returns, for each key shared by entries of different title or
// text, the indexes of the entries that have it, in order.
func clashes(keys []string, all []entry.Entry) [][]int {
	type titleText struct{ title, text string }
	content := map[string]titleText{}
	clash := map[string]bool{}
	for i, k := range keys {
		c := titleText{all[i].Title, all[i].ContentText}
		if first, ok := content[k]; !ok {
			content[k] = c
		} else if first != c {
			clash[k] = true
		}
	}
	groups := map[string][]int{}
	var order []string
	for i, k := range keys {
		if clash[k] {
			if groups[k] == nil {
				order = append(order, k)
			}
			groups[k] = append(groups[k], i)
		}
	}
	out := make([][]int, 0, len(order))
	for _, k := range order {
		out = append(out, groups[k])
	}
	return out
}

// separates reports whether keys are all set and tell apart every two
// entries of different content (the same item listed twice may share one).
func separates(keys, content []string) bool {
	of := map[string]string{}
	for j, k := range keys {
		if k == "" {
			return false
		}
		if c, ok := of[k]; ok && c != content[j] {
			return false
		}
		of[k] = content[j]
	}
	return true
}

// fragmentOf returns the fragment of a link, "" when it has none.
func fragmentOf(link string) string {
	_, f, _ := strings.Cut(link, "#")
	return f
}

// GUIDsUnusable reports whether a document's GUIDs are too poor to identify
// its items: more than a quarter of the items have none, or share theirs
// with an item of another URL. (The same item listed twice, same GUID and
// same URL, is not a GUID problem.) guids[i] and urls[i] belong to item i.
func GUIDsUnusable(guids, urls []string) bool {
	if len(guids) == 0 {
		return false
	}
	urlsOf := map[string]map[string]bool{}
	for i, g := range guids {
		if g == "" {
			continue
		}
		if urlsOf[g] == nil {
			urlsOf[g] = map[string]bool{}
		}
		urlsOf[g][urls[i]] = true
	}
	bad := 0
	for _, g := range guids {
		if g == "" || len(urlsOf[g]) > 1 {
			bad++
		}
	}
	return bad*4 > len(guids)
}

// entry normalises one item; textTitles says its title is plain text
// (JSON Feed), not HTML.
func (n *Normalizer) entry(it *gofeed.Item, base *url.URL, opts Options, textTitles bool) entry.Entry {
	var e entry.Entry
	// The link, else the first usable of its links, else an RSS GUID that
	// is a URL and a permalink (the default, unless isPermaLink="false").
	links := append([]string{it.Link}, it.Links...)
	if it.Custom[NotPermalink] == "" {
		links = append(links, it.GUID)
	}
	for _, l := range links {
		if e.URL = CanonicalURL(l, base); e.URL != "" {
			e.Link = originalLink(l, base, e.URL)
			break
		}
	}
	// Relative links in content resolve against the article when it has a
	// URL, else against the feed.
	contentBase := base
	if u, err := url.Parse(e.URL); err == nil && e.URL != "" {
		contentBase = u
	}
	title := firstNonEmpty(it.Title, mediaText(it, "title"))
	if textTitles {
		title = collapseSpace(title)
	} else {
		title = TitleText(title)
	}
	e.Title = truncate(stripControls(title), maxTitle)
	e.Author = truncate(stripControls(PlainText(author(it))), maxAuthor)
	// The fuller of content and summary (a feed may put the whole article
	// in the description and a stub in content:encoded, or the reverse);
	// some feeds use non-standard <fullitem> or <body> elements, or only
	// Media RSS.
	raw := firstNonEmpty(fuller(it.Content, it.Description), it.Custom["fullitem"], it.Custom["body"], mediaText(it, "description"))
	raw = truncate(stripControls(raw), maxContent)
	e.ContentHTML = strings.TrimSpace(sanitize(n.policy, absolutize(raw, contentBase)))
	e.ContentText = sanitizedText(e.ContentHTML)
	if e.Title == "" {
		e.Title = firstWords(e.ContentText, 80)
	}
	published := itemDate(firstNonEmpty(it.Published, extText(it, "dcterms", "issued"), extText(it, "dcterms", "created")), it.PublishedParsed, opts.Location)
	updated := itemDate(firstNonEmpty(it.Updated, extText(it, "dcterms", "modified")), it.UpdatedParsed, opts.Location)
	e.Published = PublishedDate(Dates{Published: published, Updated: updated, URL: e.URL}, opts.Now, opts.KeepFuture)
	e.Updated = UpdatedDate(updated, opts.Now)
	for _, c := range it.Categories {
		if c = strings.TrimSpace(stripControls(c)); c != "" && len(e.FeedCategories) < 20 {
			e.FeedCategories = append(e.FeedCategories, truncate(c, 100))
		}
	}
	// The link as given counts only where it differs from the canonical
	// one, so that entries stored before links were kept as given are not
	// all rewritten (and shown as updated) for nothing.
	link := ""
	if e.Link != e.URL {
		link = e.Link
	}
	e.Hash = hashOf(e.URL, e.Title, e.Author, e.ContentHTML, it.Published, it.Updated, strings.Join(e.FeedCategories, "\x00"), link)
	return e
}

// itemDate reads a feed's date string with feeddate, which knows more forms
// and zones than gofeed and reads zone-less dates in the source's timezone;
// gofeed's own reading is the fallback.
func itemDate(raw string, parsed *time.Time, loc *time.Location) *time.Time {
	if t, err := feeddate.Parse(raw, loc); err == nil {
		return &t
	}
	return parsed
}

// Key returns an entry's identity within its source: its GUID when the feed
// gives one that is unique in the document, else its canonical URL, else a
// hash of its title, date and text.
func Key(guid string, guidUnique bool, canonicalURL, title, date, text string) string {
	switch {
	case guid != "" && guidUnique:
		return "guid:" + guid
	case canonicalURL != "":
		return "url:" + canonicalURL
	default:
		return "hash:" + hashOf(title, date, text)
	}
}

func author(it *gofeed.Item) string {
	for _, p := range append([]*gofeed.Person{it.Author}, it.Authors...) {
		if p == nil {
			continue
		}
		if p.Name != "" {
			return p.Name
		}
		if p.Email != "" {
			return p.Email
		}
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// extText returns the text of the first element name in the extension
// namespace prefix ns ("dcterms", "issued").
func extText(it *gofeed.Item, ns, name string) string {
	for _, x := range it.Extensions[ns][name] {
		if x.Value != "" {
			return x.Value
		}
	}
	return ""
}

// mediaText returns the Media RSS element name (media:title,
// media:description) of an item, directly or inside a media:group.
func mediaText(it *gofeed.Item, name string) string {
	media := it.Extensions["media"]
	if media == nil {
		return ""
	}
	for _, x := range media[name] {
		if x.Value != "" {
			return x.Value
		}
	}
	for _, g := range media["group"] {
		for _, x := range g.Children[name] {
			if x.Value != "" {
				return x.Value
			}
		}
	}
	return ""
}

// firstWords returns at most max runes of text, for items with no title.
func firstWords(text string, max int) string {
	r := []rune(text)
	if len(r) <= max {
		return text
	}
	return string(r[:max]) + "…"
}

// fuller returns whichever of content and summary has more text, content
// when they have as much.
func fuller(content, summary string) string {
	if content == "" || summary == "" {
		return firstNonEmpty(content, summary)
	}
	if textBytes(summary) > textBytes(content) {
		return summary
	}
	return content
}

// textBytes counts the bytes of fragment outside tags: enough to tell the
// fuller of two texts without tokenising both (it runs for every item).
func textBytes(fragment string) int {
	n, inTag := 0, false
	for i := 0; i < len(fragment); i++ {
		switch c := fragment[i]; {
		case c == '<':
			inTag = true
		case c == '>' && inTag:
			inTag = false
		case !inTag && c != ' ' && c != '\n' && c != '\t' && c != '\r':
			n++
		}
	}
	return n
}

// hashOf is the first half of SHA-256 of the parts, each followed by a
// zero byte, in hex.
func hashOf(parts ...string) string {
	// The parts are gathered in a pooled buffer: writing each to the
	// hash copied it, an entry's whole content once more per poll.
	buf := hashBuf.Get().(*[]byte)
	b := (*buf)[:0]
	for _, p := range parts {
		b = append(append(b, p...), 0)
	}
	sum := sha256.Sum256(b)
	if cap(b) <= maxHashBuf {
		*buf = b
		hashBuf.Put(buf)
	}
	return hex.EncodeToString(sum[:16])
}

var hashBuf = sync.Pool{New: func() any { return new([]byte) }}

// maxHashBuf bounds the buffers kept: a content is capped at maxContent.
const maxHashBuf = maxContent + 64<<10
