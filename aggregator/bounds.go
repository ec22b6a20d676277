package aggregator

import (
	"slices"
	"time"

	"github.com/mmcdole/gofeed"
)

// NewestItems returns at most max of items (all when max is 0 or there are
// no more): the newest by published date, else updated date, in document
// order among equals. Undated items rank after dated ones, in document
// order, since feeds list their newest first.
func NewestItems(items []*gofeed.Item, max int) []*gofeed.Item {
	if max <= 0 || len(items) <= max {
		return items
	}
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, func(a, b *gofeed.Item) int {
		return itemDate(b).Compare(itemDate(a))
	})
	return sorted[:max]
}

// itemDate is an item's published date, else its updated date, else zero.
func itemDate(it *gofeed.Item) time.Time {
	switch {
	case it == nil:
		return time.Time{}
	case it.PublishedParsed != nil:
		return *it.PublishedParsed
	case it.UpdatedParsed != nil:
		return *it.UpdatedParsed
	}
	return time.Time{}
}
