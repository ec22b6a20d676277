// Package entry holds the normalised form of one feed item, as it moves from
// the normaliser to the store and from the store to the publisher.
package entry

import (
	"crypto/sha1"
	"time"

	"github.com/google/uuid"
)

// Entry is one article of one source.
type Entry struct {
	// Key identifies the entry within its source: "guid:…", "url:…" or
	// "hash:…" (see DESIGN.md, "Identity within a source").
	Key string
	// URL is the canonical link to the original article, for comparing
	// and de-duplicating; empty when the feed gave none that is http or
	// https.
	URL string
	// Link is the same link as the feed gave it, to publish: only tracking
	// parameters and user info removed (see normalize.OriginalLink).
	Link        string
	Title       string
	Author      string
	ContentHTML string // sanitised, links absolute
	ContentText string // plain text of ContentHTML, for matching
	// Published is the feed's date for the entry (published, else updated,
	// else a date in its URL), or zero when there is none usable; the store
	// then uses FirstSeen.
	Published time.Time
	Updated   time.Time // zero when the feed gave none
	// Hash is a digest of what the feed said about the entry; a change means
	// the entry was edited.
	Hash string
	// FeedCategories are the categories the feed gives the entry.
	FeedCategories []string

	// Set by the poller.
	Categories []Category // after aliases, rules and the source's own
	Filtered   bool       // kept out by a keep or block filter: remembered, not stored

	// Set by the poller, for duplicates across sources.
	Sketch      []byte   // encoded dedup.Sketch of ContentText; nil when too short to compare
	DedupKeys   []uint32 // the sketch's keys, under which the store finds candidate duplicates
	DuplicateOf int64    // row id of the first-seen copy in another source; 0 if none

	// Set by the store.
	ID        string    // stable public id, see ID
	FirstSeen time.Time // UTC time of the poll that first stored the entry
}

// Category is a category label and its URL slug.
type Category struct {
	Label string
	Slug  string
}

// namespace is the UUID namespace of Tributary entry ids.
var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://tributary.invalid/entry"))

// ID returns the stable public id of the entry with key in the source
// configured as sourceURL: a name-based UUID URN, so it survives restarts,
// re-ordering of the config and rebuilding of the database.
func ID(sourceURL, key string) string {
	return uuid.NewHash(sha1.New(), namespace, []byte(sourceURL+"\n"+key), 5).URN()
}

// PublishedOr returns Published, or firstSeen when Published is zero.
func (e *Entry) PublishedOr(firstSeen time.Time) time.Time {
	if e.Published.IsZero() {
		return firstSeen
	}
	return e.Published
}
