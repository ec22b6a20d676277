package parse

import (
	"fmt"
	"strings"
	"testing"
)

// benchFeed is a feed shaped like the load farm's: 50 items of escaped
// HTML mixing English and Chinese, as RSS 2.0 declaring Atom's namespace
// for its self link, or as Atom.
func benchFeed(atom bool) []byte {
	body := strings.Repeat("&lt;p&gt;Closed version protocol festival storage market, ancient harvest release. 进一步，电池，计划与能源已经计划将本地是修复。&lt;/p&gt;\n", 8)
	var b strings.Builder
	if atom {
		b.WriteString(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><id>urn:f</id><updated>2026-11-28T00:00:00Z</updated>`)
	} else {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>F</title><link>https://x.example/</link><atom:link href="https://x.example/f.xml" rel="self"/>`)
	}
	for i := range 50 {
		if atom {
			fmt.Fprintf(&b, `<entry><title>Item %d 模型</title><id>urn:f:%d</id><link href="https://x.example/%d"/><updated>2026-11-27T22:14:19Z</updated><content type="html">%s</content></entry>`, i, i, i, body)
		} else {
			fmt.Fprintf(&b, `<item><title>Item %d 模型</title><guid>urn:f:%d</guid><link>https://x.example/%d</link><pubDate>Sat, 28 Nov 2026 07:55:35 +0800</pubDate><description>%s</description></item>`, i, i, i, body)
		}
	}
	if atom {
		b.WriteString(`</feed>`)
	} else {
		b.WriteString(`</channel></rss>`)
	}
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	for _, atom := range []bool{false, true} {
		name := map[bool]string{false: "rss", true: "atom"}[atom]
		doc := benchFeed(atom)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				if r, err := Parse(doc, "", ""); err != nil || len(r.Feed.Items) != 50 {
					b.Fatalf("%v", err)
				}
			}
		})
	}
}
