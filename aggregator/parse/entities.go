package parse

import (
	"bytes"
	"html"
	"strconv"
	"strings"
	"unicode/utf8"
)

// fixReferences repairs the references that make Go's XML parser reject a
// whole feed, outside CDATA sections and comments:
//   - HTML entities that XML does not define (&nbsp;, &eacute;) become
//     numeric references;
//   - an "&" that starts no reference becomes "&amp;" (a bare "&" in a URL);
//   - &#X…; is written &#x…;, and references to characters XML forbids
//     (&#x7;) are dropped.
func fixReferences(b []byte) []byte {
	if bytes.IndexByte(b, '&') < 0 {
		return b
	}
	// Most feeds need no change: out stays nil, and b is returned, until
	// a reference is written differently; then out holds b[:done] fixed.
	var out []byte
	done := 0
	for i := 0; i < len(b); {
		// Skip to the next "&" or "<" at once: only there can anything
		// change.
		next := bytes.IndexAny(b[i:], "&<")
		if next < 0 {
			break
		}
		i += next
		switch {
		case bytes.HasPrefix(b[i:], []byte("<![CDATA[")):
			i = skipPast(b, i, "]]>") + 1
		case bytes.HasPrefix(b[i:], []byte("<!--")):
			i = skipPast(b, i, "-->") + 1
		case b[i] == '&':
			ref, n := fixReference(b[i:])
			if !bytes.Equal(ref, b[i:i+n]) {
				if out == nil {
					out = make([]byte, 0, len(b)+len(b)/16)
				}
				out = append(append(out, b[done:i]...), ref...)
				done = i + n
			}
			i += n
		default:
			i++
		}
	}
	if out == nil {
		return b
	}
	return append(out, b[done:]...)
}

// isXMLEntity reports whether name is one of the five entities XML defines.
func isXMLEntity(name []byte) bool {
	switch string(name) {
	case "amp", "lt", "gt", "quot", "apos":
		return true
	}
	return false
}

// fixReference looks at the reference at the start of b (b[0] == '&') and
// returns what to write for it and how many bytes it spans.
func fixReference(b []byte) ([]byte, int) {
	end := bytes.IndexByte(b[:min(len(b), 40)], ';')
	if end < 2 {
		return []byte("&amp;"), 1
	}
	if isXMLEntity(b[1:end]) { // most references: kept, without a copy
		return b[:end+1], end + 1
	}
	name := string(b[1:end])
	if num, ok := strings.CutPrefix(name, "#"); ok {
		// "&#;" and "&#x;" carry no digits: ParseUint fails on "" and the
		// "&" is escaped like any other bare ampersand.
		var n uint64
		var err error
		if hex, ok := cutPrefixFold(num, "x"); ok {
			n, err = strconv.ParseUint(hex, 16, 32)
		} else {
			n, err = strconv.ParseUint(num, 10, 32)
		}
		switch {
		case err != nil:
			return []byte("&amp;"), 1
		case n > utf8.MaxRune || !xmlChar(rune(n)):
			return nil, end + 1
		}
		return []byte("&#x" + strconv.FormatUint(n, 16) + ";"), end + 1
	}
	if !isName(name) {
		return []byte("&amp;"), 1
	}
	text := html.UnescapeString(string(b[:end+1]))
	if text == string(b[:end+1]) { // not an HTML entity either
		return []byte("&amp;"), 1
	}
	var ref []byte
	for _, r := range text {
		ref = append(ref, "&#x"+strconv.FormatInt(int64(r), 16)+";"...)
	}
	return ref, end + 1
}

func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' && i > 0) {
			return false
		}
	}
	return s != ""
}

// cutPrefixFold is strings.CutPrefix ignoring ASCII case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}
