package publisher

import (
	"html"
	"strings"
)

// content returns the HTML to republish for it: its sanitised content;
// when other sources carried the same story, a short "Also from:" line
// naming them with links to their copies; and unless withRelated is false,
// a short "Related" list of links to related entries.
func content(it *item, withRelated bool) string {
	if len(it.AlsoFrom) == 0 && (!withRelated || len(it.Related) == 0) {
		return it.ContentHTML
	}
	var b strings.Builder
	b.WriteString(it.ContentHTML)
	alsoFrom(&b, it)
	if withRelated && len(it.Related) > 0 {
		b.WriteString(`<div class="tributary-related"><p>Related:</p><ul>`)
		for _, r := range it.Related {
			if r.URL == "" { // no link to give: the title alone, never href=""
				b.WriteString(`<li>` + html.EscapeString(r.Title) + `</li>`)
				continue
			}
			b.WriteString(`<li><a href="` + html.EscapeString(r.URL) + `">` + html.EscapeString(r.Title) + `</a></li>`)
		}
		b.WriteString(`</ul></div>`)
	}
	return b.String()
}

// authorOf is whom a feed names as the entry's author: its own author, or
// else its source's title (Planet's convention), since readers show the
// author and mostly ignore <source>.
func authorOf(it *item) string {
	if it.Author != "" {
		return it.Author
	}
	return it.Source.Title
}

// alsoFrom writes the "Also from:" line, if there are other copies.
func alsoFrom(b *strings.Builder, it *item) {
	if len(it.AlsoFrom) == 0 {
		return
	}
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
}
