package normalize

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// newPolicy returns the sanitising policy for republished content:
// bluemonday's user-generated-content policy (no scripts, styles, event
// handlers, iframes or forms) with only http, https and mailto links.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	return p
}

// sanitize is policy.Sanitize(fragment), written into a builder sized
// once: Sanitize grows a buffer from nothing and copies it out at the end.
func sanitize(policy *bluemonday.Policy, fragment string) string {
	if strings.TrimSpace(fragment) == "" {
		return fragment
	}
	var b strings.Builder
	b.Grow(len(fragment))
	if err := policy.SanitizeReaderToWriter(strings.NewReader(fragment), &b); err != nil {
		return "" // what Sanitize gives for a fragment it cannot read
	}
	return b.String()
}

// urlAttrs are the attributes whose values are URLs to make absolute.
var urlAttrs = map[string]bool{"href": true, "src": true, "cite": true, "poster": true, "longdesc": true}

// absolutize rewrites the URLs in fragment: relative ones resolved against
// base, tracking parameters dropped (see CleanLink). It writes each token
// back as html.Token's String would, from the tokenizer's bytes rather
// than through a Token, which copies every name, attribute and text.
func absolutize(fragment string, base *url.URL) string {
	if !strings.Contains(fragment, "<") {
		return fragment
	}
	// A raw-text element written self-closed ("<iframe … />") would make
	// the tokenizer read the rest of the post as its text: close it first.
	if strings.Contains(fragment, "/>") {
		fragment = selfClosedRawText.ReplaceAllString(fragment, "<$1$2></$1>")
	}
	var b strings.Builder
	b.Grow(len(fragment) + len(fragment)/8)
	z := html.NewTokenizer(strings.NewReader(fragment))
	inRaw := false // the text is a raw-text element's (see rawText)
	for {
		tt := z.Next()
		wasRaw := inRaw
		inRaw = false
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if wasRaw {
				b.Write(z.Text()) // as written: escaped, the sanitiser would read it escaped twice
			} else {
				writeEscaped(&b, z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			tag := atom.Lookup(name)
			inRaw = tt == html.StartTagToken && rawText[tag]
			// Frames are never content; and bluemonday, which skips what
			// is inside a <frameset>, waits for a </frame> that never
			// comes.
			if tag == atom.Frame || tag == atom.Frameset {
				continue
			}
			if tt == html.EndTagToken {
				b.WriteString("</")
			} else {
				b.WriteByte('<')
			}
			b.Write(name)
			for hasAttr {
				var key, val []byte
				key, val, hasAttr = z.TagAttr()
				b.WriteByte(' ')
				b.Write(key)
				b.WriteString(`="`)
				if tt != html.EndTagToken && urlAttrs[string(key)] {
					writeEscaped(&b, []byte(resolve(string(val), base)))
				} else {
					writeEscaped(&b, val)
				}
				b.WriteByte('"')
			}
			switch {
			// "<iframe … />" is no empty element in HTML: the parser would
			// take the rest of the post for the iframe's text. Only void
			// elements close themselves.
			case tt == html.SelfClosingTagToken && !void[tag]:
				b.WriteString("></")
				b.Write(name)
				b.WriteByte('>')
			case tt == html.SelfClosingTagToken:
				b.WriteString("/>")
			default:
				b.WriteByte('>')
			}
		default: // comments and doctypes
			b.WriteString(z.Token().String())
		}
	}
}

// resolve returns the value of a URL attribute made absolute and cleaned.
func resolve(val string, base *url.URL) string {
	if cleaned := CleanLink(val, base); cleaned != "" {
		return cleaned
	}
	if ref, err := url.Parse(strings.TrimSpace(val)); err == nil && base != nil {
		return base.ResolveReference(ref).String() // mailto: and the like; the sanitiser decides
	}
	return val
}

// writeEscaped writes s to b escaped as html.EscapeString escapes it.
func writeEscaped(b *strings.Builder, s []byte) {
	for len(s) > 0 {
		i := bytes.IndexAny(s, "&'<>\"\r")
		if i < 0 {
			b.Write(s)
			return
		}
		b.Write(s[:i])
		switch s[i] {
		case '&':
			b.WriteString("&amp;")
		case '\'':
			b.WriteString("&#39;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\r':
			b.WriteString("&#13;")
		}
		s = s[i+1:]
	}
}

// selfClosedRawText finds raw-text and escapable raw-text elements written
// self-closed.
var selfClosedRawText = regexp.MustCompile(`(?i)<(iframe|noembed|noframes|noscript|script|style|textarea|title|xmp)(\s[^<>]*?)?\s*/>`)

// rawText are the elements whose text the tokenizer reads as written, up
// to their end tag, without decoding references (RCDATA's title and
// textarea are decoded, and written escaped again).
var rawText = map[atom.Atom]bool{
	atom.Iframe: true, atom.Noembed: true, atom.Noframes: true, atom.Noscript: true,
	atom.Plaintext: true, atom.Script: true, atom.Style: true, atom.Xmp: true,
}

// void are the HTML elements that have no end tag.
var void = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true, atom.Hr: true, atom.Img: true,
	atom.Input: true, atom.Link: true, atom.Meta: true, atom.Param: true, atom.Source: true, atom.Track: true, atom.Wbr: true,
}

// PlainText returns the text of an HTML fragment: tags removed, entities
// decoded, script and style bodies skipped, whitespace collapsed.
func PlainText(fragment string) string {
	return plainText(fragment, false)
}

// TitleText is PlainText for a title that may carry markup: only tags of
// HTML elements are markup; anything else between angle brackets is text
// that the feed escaped ("Avoid <Cognitive Complexity>" keeps its words).
func TitleText(title string) string {
	return plainText(title, true)
}

func plainText(fragment string, keepUnknownTags bool) string {
	if !strings.ContainsAny(fragment, "<&") {
		return collapseSpace(fragment)
	}
	var b strings.Builder
	b.Grow(len(fragment))
	z := html.NewTokenizer(strings.NewReader(fragment))
	skip := 0
	var nameBuf [32]byte
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			return collapseSpace(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			// Only the tag's name matters: its attributes are not read.
			raw := z.Raw()
			tag := atom.Lookup(rawTagName(raw, &nameBuf))
			if keepUnknownTags && skip == 0 && tag == 0 {
				b.Write(raw)
				continue
			}
			switch tag {
			case atom.Script, atom.Style:
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			}
			// Block elements separate words; inline ones (<b>, <a>) do
			// not, so "<em>delta</em>." stays "delta.".
			if !inline[tag] {
				b.WriteByte(' ')
			}
		}
	}
}

// rawTagName returns the lower-cased name of the tag whose raw bytes are
// raw ("<P class=x>", "</p>"), in buf, as the tokenizer's TagName would
// without copying the name or changing raw; nil for a name longer than buf,
// which no element has.
func rawTagName(raw []byte, buf *[32]byte) []byte {
	name := bytes.TrimPrefix(bytes.TrimPrefix(raw, []byte("<")), []byte("/"))
	if end := bytes.IndexAny(name, " \n\r\t\f/>"); end >= 0 {
		name = name[:end]
	}
	if len(name) > len(buf) {
		return nil
	}
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return buf[:len(name)]
}

// inline are the elements that do not break a line of text.
var inline = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true, atom.Cite: true, atom.Code: true,
	atom.Data: true, atom.Dfn: true, atom.Em: true, atom.Font: true, atom.I: true, atom.Kbd: true, atom.Mark: true,
	atom.Q: true, atom.S: true, atom.Samp: true, atom.Small: true, atom.Span: true, atom.Strong: true, atom.Sub: true,
	atom.Sup: true, atom.Time: true, atom.U: true, atom.Var: true, atom.Strike: true, atom.Tt: true, atom.Big: true,
}

// collapseSpace trims s and turns every run of white space into one space.
// Words are copied whole, not rune by rune; ASCII is told apart without
// decoding (plain text is mostly ASCII or runs of CJK).
func collapseSpace(s string) string {
	var w spacedWriter
	w.b.Grow(len(s))
	w.write(s)
	return w.b.String()
}

// spaceRun returns the length of the run of white space (space true) or
// of other runes at the start of s.
func spaceRun(s string, space bool) int {
	i := 0
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if asciiSpace[c] != space {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if isSpace(r) != space {
			return i
		}
		i += size
	}
	return i
}

// isSpace is unicode.IsSpace, with the characters past U+3000 (all of CJK
// text but its punctuation's spaces) answered without the table search.
func isSpace(r rune) bool {
	return r <= 0x3000 && unicode.IsSpace(r)
}

// asciiSpace are the ASCII bytes unicode.IsSpace says are white space.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// windows1252 maps the bytes 0x80–0x9F of windows-1252 to Unicode; 0 where
// the byte is undefined.
var windows1252 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}

// truncate cuts s to at most max bytes on a rune boundary.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}

// stripControls removes control characters other than tab, newline and
// carriage return, which XML cannot carry and feed readers choke on. C1
// controls (U+0080–U+009F) are nearly always windows-1252 punctuation read
// as Latin-1 ("don\u0092t"), so they become that punctuation. A byte that
// is not UTF-8 becomes U+FFFD: the document was made UTF-8 before it was
// parsed, but Atom content in base64 (mode="base64", an image/ type)
// decodes to any bytes.
func stripControls(s string) string {
	clean := func(r rune) rune {
		switch {
		case r >= 0x80 && r <= 0x9F:
			if w := windows1252[r-0x80]; w != 0 {
				return w
			}
			return -1
		case (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7F || r == 0xFFFE || r == 0xFFFF:
			return -1
		}
		return r
	}
	if !hasControls(s) && utf8.ValidString(s) {
		return s
	}
	return strings.Map(clean, s) // which writes a byte not UTF-8 as U+FFFD
}

// hasControls reports whether s holds a character stripControls changes,
// by its bytes rather than decoding each rune (most text holds none): an
// ASCII control, or the UTF-8 of U+0080–U+009F (C2 80–9F), U+FFFE or
// U+FFFF (EF BF BE/BF). C2 and EF only ever start a character, so these
// bytes are those characters wherever they appear, even among bytes that
// are not UTF-8.
func hasControls(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20:
			if c != '\t' && c != '\n' && c != '\r' {
				return true
			}
		case c == 0x7F:
			return true
		case c == 0xC2:
			if i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9F {
				return true
			}
		case c == 0xEF:
			if i+2 < len(s) && s[i+1] == 0xBF && (s[i+2] == 0xBE || s[i+2] == 0xBF) {
				return true
			}
		}
	}
	return false
}
