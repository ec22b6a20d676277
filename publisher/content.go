package publisher

import (
	"html"
	"strings"
)

// content returns the HTML to republish for it in feed f: its sanitised
// content; when other sources carried the same story, a short "Also from:"
// line naming them with links to their copies; and when f asks for it
// (related.in_content), a short "Related" list of links to related
// entries. The words are in f's language.
func content(it *item, f *feedData) string {
	withRelated := f.RelatedInContent
	msg := messagesFor(f.Language)
	if len(it.AlsoFrom) == 0 && (!withRelated || len(it.Related) == 0) {
		return it.ContentHTML
	}
	var b strings.Builder
	b.WriteString(it.ContentHTML)
	alsoFrom(&b, it, msg)
	if withRelated && len(it.Related) > 0 {
		b.WriteString(`<div class="tributary-related"><p>` + html.EscapeString(msg.Related) + `:</p><ul>`)
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
func alsoFrom(b *strings.Builder, it *item, msg messages) {
	if len(it.AlsoFrom) == 0 {
		return
	}
	b.WriteString(`<p class="tributary-also-from">` + html.EscapeString(msg.AlsoFrom) + `: `)
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
