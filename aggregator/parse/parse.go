// Package parse turns fetched feed bytes into gofeed's universal feed model.
//
// gofeed takes its charset only from the XML declaration and fails a whole
// feed on one bad byte, so bytes are first made into clean UTF-8 here (see
// ToUTF8) and only then handed to gofeed.
package parse

import (
	"bytes"
	"fmt"

	"github.com/mmcdole/gofeed"
)

// Result is a parsed feed and the encoding its bytes were read in.
type Result struct {
	Feed     *gofeed.Feed
	Encoding string
}

// Parse decodes body (see ToUTF8) and parses it as RSS, Atom or JSON Feed.
func Parse(body []byte, contentType, encodingOverride string) (*Result, error) {
	text, enc, err := ToUTF8(body, contentType, encodingOverride)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if err := checkShape(text, MaxDepth, MaxElements); err != nil {
		return nil, fmt.Errorf("parse: refused: %w", err)
	}
	p := gofeed.NewParser()
	// The image scan of item content costs a third of the parse time and
	// gives nothing we use.
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	feed, err := p.Parse(bytes.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	return &Result{Feed: feed, Encoding: enc}, nil
}
