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
	// The text is written with its white space collapsed as it is read,
	// rather than collapsed in a second copy.
	var w spacedWriter
	w.b.Grow(len(s))
	for rest := s; len(rest) > 0; {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			i = len(rest)
		}
		if text := rest[:i]; strings.IndexByte(text, '&') >= 0 {
			w.write(html.UnescapeString(text))
		} else {
			w.write(text)
		}
		rest = rest[i:]
		if rest == "" {
			break
		}
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return PlainText(s)
		}
		name := strings.TrimPrefix(rest[1:end], "/")
		if n := strings.IndexAny(name, " /"); n >= 0 {
			name = name[:n]
		}
		switch {
		case !plainTagName(name), name == "script", name == "style", name == "textarea", name == "title",
			name == "xmp", name == "plaintext", name == "noscript", name == "iframe", name == "noembed", name == "noframes":
			// Not what the sanitiser writes: read the whole the way
			// PlainText does.
			return PlainText(s)
		case !inlineNames[name]:
			w.space = true // block elements separate words, as in PlainText
		}
		rest = rest[end+1:]
	}
	return w.b.String()
}

// spacedWriter writes text a piece at a time as collapseSpace would write
// it whole: every run of white space one space, none at either end.
type spacedWriter struct {
	b     strings.Builder
	space bool // white space came after the last word written
}

// write writes s; a word cut between two writes stays one word.
func (w *spacedWriter) write(s string) {
	for {
		if n := spaceRun(s, true); n > 0 {
			w.space, s = true, s[n:]
		}
		n := spaceRun(s, false)
		if n == 0 {
			return
		}
		if w.space && w.b.Len() > 0 {
			w.b.WriteByte(' ')
		}
		w.space = false
		w.b.WriteString(s[:n]) // as it is, even a byte that is not UTF-8
		s = s[n:]
	}
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
