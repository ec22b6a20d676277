package parse

import (
	"bytes"
	"encoding/xml"
	"html"
	"regexp"
	"strings"
)

const atomNS = "http://www.w3.org/2005/Atom"

// atomTextElements are the Atom constructs whose type attribute says how to
// read them (RFC 4287 §3.1): text (the default), html or xhtml.
var atomTextElements = map[string]bool{"title": true, "subtitle": true, "summary": true, "content": true, "rights": true}

// retypeAtomText rewrites the text and xhtml constructs of an Atom document
// as type="html", since gofeed's universal model keeps a string and loses
// the type, and everything after it reads that string as HTML:
//   - type="text" (and no type): "<b>" in it is text, not a tag; written
//     escaped, it stays text;
//   - type="xhtml": the XML is written as HTML, with a CDATA section as the
//     text it is and a self-closed element (<object/>) closed, where an HTML
//     parser would take "<object/>" as an open tag swallowing the rest.
//
// Anything else is left as it is. A document that is not well-formed XML
// is returned unchanged, to be read as leniently as before. Callers pass
// only Atom documents (see atomRoot): most RSS feeds declare Atom's
// namespace for their atom:link, and their escaped HTML would otherwise
// send every one of them through the full pass for nothing.
func retypeAtomText(doc []byte) []byte {
	if !bytes.Contains(doc, []byte(atomNS)) || !needsRetyping(doc) {
		return doc
	}
	return retypeAll(doc)
}

// prepareAtom readies an Atom document for gofeed: its text and xhtml
// constructs retyped (retypeAtomText), then its escaped HTML typed
// text/html (plainHTMLType).
func prepareAtom(doc []byte) []byte {
	return plainHTMLType(retypeAtomText(doc))
}

// atomRoot reports whether the root element of an XML document is named
// feed or entry (with any prefix), as an Atom document's is: it reads the
// first tag that is not a declaration, a comment or a processing
// instruction.
func atomRoot(doc []byte) bool {
	for i := 0; ; {
		lt := bytes.IndexByte(doc[i:], '<')
		if lt < 0 {
			return false
		}
		i += lt
		rest := doc[i:]
		skip := skipMarkup(rest)
		if skip == 0 && bytes.HasPrefix(rest, []byte("<!")) { // a doctype
			skip = bytes.IndexByte(rest, '>') + 1
		}
		switch {
		case skip < 0:
			return false
		case skip > 0:
			i += skip
		default:
			name := qualifiedName(rest)
			if colon := bytes.LastIndexByte(name, ':'); colon >= 0 {
				name = name[colon+1:]
			}
			return string(name) == "feed" || string(name) == "entry"
		}
	}
}

// retypeAll is retypeAtomText without the cheap look first.
func retypeAll(doc []byte) []byte {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var out bytes.Buffer
	copied := 0
	for {
		start := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			if copied == 0 {
				return doc
			}
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Space != atomNS || !atomTextElements[se.Name.Local] {
			continue
		}
		typ := strings.ToLower(attr(se, "type"))
		if typ != "" && typ != "text" && typ != "xhtml" {
			continue
		}
		tagEnd := d.InputOffset()
		body, ok := readConstruct(d, typ == "xhtml")
		if !ok {
			return doc
		}
		if typ != "xhtml" && !strings.ContainsAny(body, "<&") {
			continue // plain text reads the same as HTML
		}
		end := d.InputOffset()
		out.Write(doc[copied:start])
		out.Write(retag(doc[start:tagEnd]))
		xml.EscapeText(&out, []byte(body))
		out.WriteString("</")
		out.Write(closingName(doc[start:tagEnd]))
		out.WriteString(">")
		copied = int(end)
	}
	out.Write(doc[copied:])
	return out.Bytes()
}

// needsRetyping is a cheap look for what retypeAtomText would change:
// xhtml content, a CDATA section, text that would read as markup outside
// the constructs typed html (whose text is escaped markup, as most feeds
// write their content), or an element inside a text construct (which the
// full pass drops, keeping its text). It errs only towards yes: a tag it
// cannot read, a comment, anything unusual sends the document to the full
// pass.
func needsRetyping(doc []byte) bool {
	inHTML := false // the text being read is inside a type="html" construct
	inText := false // ... inside a text construct of another type
	for i := 0; i < len(doc); {
		end := len(doc)
		if lt := bytes.IndexByte(doc[i:], '<'); lt >= 0 {
			end = i + lt
		}
		if !inHTML && readsAsMarkup(doc[i:end]) {
			return true
		}
		if end == len(doc) {
			return false
		}
		gt := bytes.IndexByte(doc[end:], '>')
		if gt < 0 {
			return true
		}
		tag := doc[end : end+gt+1]
		if bytes.HasPrefix(tag, []byte("<!")) || bytes.Contains(tag, []byte("xhtml")) {
			return true // a CDATA section, a comment or a declaration; xhtml
		}
		opening := tag[1] != '/' && tag[1] != '?'
		if inText && opening {
			return true
		}
		inHTML = opening &&
			(bytes.Contains(tag, []byte(`type="html"`)) || bytes.Contains(tag, []byte(`type='html'`)))
		inText = opening && !inHTML && tag[len(tag)-2] != '/' &&
			atomTextElements[string(atomLocal(qualifiedName(tag)))]
		i = end + gt + 1
	}
	return false
}

// readsAsMarkup reports whether XML text holds what an HTML reader would
// take for markup or a reference.
func readsAsMarkup(text []byte) bool {
	if bytes.IndexByte(text, '&') < 0 {
		return false
	}
	for _, s := range []string{"&lt;", "&#60;", "&#x3c;", "&#x3C;", "&amp;"} {
		if bytes.Contains(text, []byte(s)) {
			return true
		}
	}
	return false
}

// readConstruct reads the inside of the element whose start tag was just
// read, up to its end tag, and returns it as HTML: text escaped, or for
// xhtml the elements written as HTML.
func readConstruct(d *xml.Decoder, xhtml bool) (string, bool) {
	var b strings.Builder
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return "", false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if xhtml && !(depth == 1 && t.Name.Local == "div") { // the wrapping div goes
				writeStart(&b, t)
			}
		case xml.EndElement:
			if depth == 0 {
				return b.String(), true
			}
			if xhtml && !(depth == 1 && t.Name.Local == "div") && !voidElements[strings.ToLower(t.Name.Local)] {
				b.WriteString("</" + t.Name.Local + ">")
			}
			depth--
		case xml.CharData:
			b.WriteString(html.EscapeString(string(t)))
		}
	}
}

// voidElements have no end tag in HTML.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

func writeStart(b *strings.Builder, t xml.StartElement) {
	b.WriteString("<" + t.Name.Local)
	for _, a := range t.Attr {
		if a.Name.Space != "" || a.Name.Local == "xmlns" {
			continue // namespace declarations and foreign attributes
		}
		b.WriteString(" " + a.Name.Local + `="` + html.EscapeString(a.Value) + `"`)
	}
	b.WriteString(">")
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

var (
	typeAttr = regexp.MustCompile(`\stype\s*=\s*("[^"]*"|'[^']*')`)
	tagName  = regexp.MustCompile(`^<([^\s/>]+)`)
)

// retag returns a start tag as written, with type="html": attributes such as
// xml:base and xml:lang are kept. A self-closed tag is opened.
func retag(tag []byte) []byte {
	t := typeAttr.ReplaceAll(tag, nil)
	t = bytes.TrimSuffix(t, []byte(">"))
	t = bytes.TrimRight(bytes.TrimSuffix(bytes.TrimRight(t, " \t\r\n"), []byte("/")), " \t\r\n")
	return append(append([]byte{}, t...), ` type="html">`...)
}

func closingName(tag []byte) []byte {
	if m := tagName.FindSubmatch(tag); m != nil {
		return m[1]
	}
	return []byte("content")
}

// plainHTMLType rewrites type="html" as type="text/html" on the Atom text
// constructs of doc whose content holds no markup, only escaped HTML (as
// most feeds write it). For type="html" gofeed parses the still-escaped
// text as an HTML document to look for a wrapping <div> and again to
// resolve links against xml:base, finding neither in such content; for a
// text/ type it decodes the text and nothing more, to the same string.
// Those two parses were a tenth of an Atom feed's parse.
//
// It reads tags with a simple scan, so it leaves alone a document it could
// misread: one with xml:base, xhtml or a CDATA section, or whose end tags
// do not match its start tags as it reads them (an attribute value holding
// '>'); and it retypes only the constructs of a feed, entry or source
// itself, not those nested in another element (whose text gofeed may keep
// as it is written).
func plainHTMLType(doc []byte) []byte {
	for _, s := range []string{"xml:base", "xhtml", "<![CDATA["} {
		if bytes.Contains(doc, []byte(s)) {
			return doc
		}
	}
	var out []byte
	var open [][]byte // the names of the elements the scan is in, outermost first
	copied := 0
	for i := 0; i < len(doc); {
		lt := bytes.IndexByte(doc[i:], '<')
		if lt < 0 {
			break
		}
		start := i + lt
		rest := doc[start:]
		if skip := skipMarkup(rest); skip != 0 { // a comment or processing instruction
			if skip < 0 {
				break
			}
			i = start + skip
			continue
		}
		gt := bytes.IndexByte(rest, '>')
		if gt < 0 {
			break
		}
		end := start + gt + 1
		i = end
		tag := doc[start:end]
		name := qualifiedName(tag)
		switch {
		case tag[1] == '!': // a doctype
			continue
		case tag[1] == '/':
			if len(open) == 0 || !bytes.Equal(open[len(open)-1], name) {
				return doc
			}
			open = open[:len(open)-1]
			continue
		case tag[len(tag)-2] == '/': // self-closed
			continue
		}
		var parent []byte
		if len(open) > 0 {
			parent = open[len(open)-1]
		}
		open = append(open, name)
		if !atomTextElements[string(atomLocal(name))] || !atomContainers[string(atomLocal(parent))] {
			continue
		}
		typ := typeAttr.FindSubmatchIndex(tag)
		if typ == nil || !bytes.EqualFold(tag[typ[2]+1:typ[3]-1], []byte("html")) {
			continue
		}
		// The content must end at the next tag, its own end tag.
		closing := append(append([]byte("</"), name...), '>')
		if next := bytes.IndexByte(doc[end:], '<'); next < 0 || !bytes.HasPrefix(doc[end+next:], closing) {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(doc)+len(doc)/16)
		}
		out = append(out, doc[copied:start+typ[2]+1]...)
		out = append(out, "text/html"...)
		copied = start + typ[3] - 1
	}
	if out == nil {
		return doc
	}
	return append(out, doc[copied:]...)
}

// atomContainers are the Atom elements whose text constructs plainHTMLType
// retypes.
var atomContainers = map[string]bool{"feed": true, "entry": true, "source": true}

// skipMarkup returns the length of the comment or processing instruction
// at the start of b, 0 when there is none, -1 when it does not end.
func skipMarkup(b []byte) int {
	for _, m := range [][2]string{{"<!--", "-->"}, {"<?", "?>"}} {
		if bytes.HasPrefix(b, []byte(m[0])) {
			end := bytes.Index(b[len(m[0]):], []byte(m[1]))
			if end < 0 {
				return -1
			}
			return len(m[0]) + end + len(m[1])
		}
	}
	return 0
}

// qualifiedName returns the name of a start or end tag, with its prefix
// ("<atom:entry …>" and "</atom:entry>" give "atom:entry").
func qualifiedName(tag []byte) []byte {
	name := bytes.TrimPrefix(bytes.TrimPrefix(tag, []byte("<")), []byte("/"))
	if end := bytes.IndexAny(name, " \t\r\n/>"); end >= 0 {
		name = name[:end]
	}
	return name
}

// atomLocal returns the local part of a name of Atom's vocabulary, written
// without a prefix or with atom: ("content", "atom:content"), or nil.
func atomLocal(name []byte) []byte {
	if prefix, local, ok := bytes.Cut(name, []byte(":")); ok {
		if string(prefix) != "atom" {
			return nil
		}
		return local
	}
	return name
}
