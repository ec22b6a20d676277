package aggregator

import "github.com/tributary/tributary/aggregator/parse"

// SetParseForTest replaces the poller's parser, so that a test can make a
// poll panic where no known input does any more.
func SetParseForTest(p *Poller, f func(body []byte, contentType, encoding string) (*parse.Result, error)) {
	p.parse = f
}

// RelatedBounds returns the bounds of the poller's related-entries index.
func RelatedBounds(p *Poller) (entries, terms int) {
	return p.related.MaxEntries(), p.related.MaxVocabulary()
}
