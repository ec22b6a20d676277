package publisher

import (
	"html"
	"strings"

	"github.com/tributary/tributary/aggregator/store"
)

// content returns the HTML to republish for it: its sanitised content, and
// when other sources carried the same story, a short "Also from:" line
// naming them with links to their copies.
func content(it *store.Item) string {
	if len(it.AlsoFrom) == 0 {
		return it.ContentHTML
	}
	var b strings.Builder
	b.WriteString(it.ContentHTML)
	b.WriteString(`<p class="tributary-also-from">Also from: `)
	for i, c := range it.AlsoFrom {
		if i > 0 {
			b.WriteString(", ")
		}
		if c.URL != "" {
			b.WriteString(`<a href="` + html.EscapeString(c.URL) + `">` + html.EscapeString(c.Source) + `</a>`)
		} else {
			b.WriteString(html.EscapeString(c.Source))
		}
	}
	b.WriteString("</p>")
	return b.String()
}
