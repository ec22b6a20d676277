package normalize

import (
	"html"
	"strings"
)

// sanitizedText is PlainText of HTML that the sanitiser wrote, read with
// a plain scan instead of the HTML tokenizer: bluemonday writes every tag
// as "<name …>" or "</name>", with a lower-case name, escapes "<" and ">"
// in text and in attribute values, and leaves out comments, doctypes and
// the elements whose content is not text (script, style, iframe, …). So a
// "<" always starts a tag and the next ">" ends it. Anything else (which
// FuzzSanitizedText has never met) is read by PlainText.
func sanitizedText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return collapseSpace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			i = len(s)
		}
		if text := s[:i]; strings.IndexByte(text, '&') >= 0 {
			b.WriteString(html.UnescapeString(text))
		} else {
			b.WriteString(text)
		}
		s = s[i:]
		if s == "" {
			break
		}
		end := strings.IndexByte(s, '>')
		if end < 0 {
			return PlainText(b.String() + s)
		}
		name := strings.TrimPrefix(s[1:end], "/")
		if n := strings.IndexAny(name, " /"); n >= 0 {
			name = name[:n]
		}
		switch {
		case !plainTagName(name), name == "script", name == "style", name == "textarea", name == "title",
			name == "xmp", name == "plaintext", name == "noscript", name == "iframe", name == "noembed", name == "noframes":
			// Not what the sanitiser writes: read the way PlainText does.
			return PlainText(b.String() + s)
		case !inlineNames[name]:
			b.WriteByte(' ') // block elements separate words, as in PlainText
		}
		s = s[end+1:]
	}
	return collapseSpace(b.String())
}

// plainTagName reports whether name is a tag name the way the sanitiser
// writes one: lower-case letters and digits, starting with a letter.
func plainTagName(name string) bool {
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for i := 1; i < len(name); i++ {
		if c := name[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// inlineNames are the names of the inline elements.
var inlineNames = func() map[string]bool {
	m := make(map[string]bool, len(inline))
	for a := range inline {
		m[a.String()] = true
	}
	return m
}()
