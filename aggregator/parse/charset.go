package parse

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// xmlDecl matches an XML declaration and its encoding pseudo-attribute.
var xmlDecl = regexp.MustCompile(`^(\s*<\?xml[^>]*?\sencoding\s*=\s*)(["'])([A-Za-z0-9._:\-]+)(["'])`)

// ToUTF8 turns a feed body into UTF-8 that gofeed can read, and returns the
// name of the encoding it decided on.
//
// The encoding is, in order: override (a source's configured encoding), a
// byte-order mark, the charset parameter of the HTTP Content-Type, the XML
// declaration, and otherwise UTF-8 when the bytes are valid UTF-8 or
// windows-1252 when they are not. The XML declaration is rewritten to say
// UTF-8, and characters XML forbids are dropped.
func ToUTF8(body []byte, contentType, override string) ([]byte, string, error) {
	enc, name, err := detect(body, contentType, override)
	if err != nil {
		return nil, "", err
	}
	out := body
	if enc != nil {
		out, err = enc.NewDecoder().Bytes(body)
		if err != nil {
			return nil, "", fmt.Errorf("decode %s: %w", name, err)
		}
	}
	out = bytes.TrimPrefix(out, []byte("\uFEFF"))
	if m := xmlDecl.FindSubmatchIndex(out); m != nil && !bytes.EqualFold(out[m[6]:m[7]], []byte("utf-8")) {
		out = append(append(append([]byte{}, out[:m[6]]...), "utf-8"...), out[m[7]:]...)
	}
	out = cleanXMLText(out)
	if isXML(out) {
		out = closeLastTag(fixReferences(out))
	}
	return out, name, nil
}

// closeLastTag adds the ">" of a document cut off inside its last tag
// ("…</rss"), which would otherwise lose the whole feed.
func closeLastTag(b []byte) []byte {
	t := bytes.TrimRight(b, " \t\r\n")
	lt := bytes.LastIndexByte(t, '<')
	if lt < 0 || bytes.IndexByte(t[lt:], '>') >= 0 || bytes.HasPrefix(t[lt:], []byte("<!")) {
		return b
	}
	return append(t[:len(t):len(t)], '>', '\n')
}

// isXML reports whether b looks like XML rather than JSON.
func isXML(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '<'
}

// detect decides the encoding of body. A nil Encoding means UTF-8.
func detect(body []byte, contentType, override string) (encoding.Encoding, string, error) {
	if override != "" {
		return lookup(override)
	}
	switch {
	case bytes.HasPrefix(body, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return utf32.UTF32(utf32.BigEndian, utf32.ExpectBOM), "utf-32be", nil
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return utf32.UTF32(utf32.LittleEndian, utf32.ExpectBOM), "utf-32le", nil
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}):
		return xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM), "utf-16be", nil
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM), "utf-16le", nil
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		return nil, "utf-8", nil
	// "<?" without a byte-order mark, in UTF-32 or UTF-16.
	case bytes.HasPrefix(body, []byte{0, 0, 0, '<'}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "utf-32be", nil
	case bytes.HasPrefix(body, []byte{'<', 0, 0, 0}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "utf-32le", nil
	case bytes.HasPrefix(body, []byte{0, '<', 0, '?'}):
		return xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM), "utf-16be", nil
	case bytes.HasPrefix(body, []byte{'<', 0, '?', 0}):
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), "utf-16le", nil
	}
	if cs := httpCharset(contentType); cs != "" {
		return preferUTF8(body)(lookup(cs))
	}
	if m := xmlDecl.FindSubmatch(body); m != nil {
		return preferUTF8(body)(lookup(string(m[3])))
	}
	if utf8.Valid(body) {
		return nil, "utf-8", nil
	}
	return lookup(sniff(body))
}

// preferUTF8 overrules a declared single-byte charset (ISO-8859-1,
// windows-1252…) when body is valid UTF-8 with multi-byte sequences: text
// in a single-byte charset is almost never that, and the declaration is the
// usual lie ("BrÃ¸ndby" otherwise).
func preferUTF8(body []byte) func(encoding.Encoding, string, error) (encoding.Encoding, string, error) {
	return func(enc encoding.Encoding, name string, err error) (encoding.Encoding, string, error) {
		if err == nil && singleByte(name) && !isASCII(body) && utf8.Valid(body) {
			return nil, "utf-8", nil
		}
		return enc, name, err
	}
}

// singleByte reports whether the WHATWG encoding name is a single-byte
// charset.
func singleByte(name string) bool {
	for _, prefix := range []string{"windows-125", "iso-8859-", "koi8-", "macintosh", "ibm866", "x-mac-", "windows-874"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// charsetParam finds a charset parameter that mime.ParseMediaType refuses,
// such as `charset= 'us-ascii'`.
var charsetParam = regexp.MustCompile(`(?i)charset\s*=\s*["']?([A-Za-z0-9._:\-]+)`)

// httpCharset returns the charset of a Content-Type header, or "".
func httpCharset(contentType string) string {
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		return strings.Trim(params["charset"], `"' `)
	}
	if m := charsetParam.FindStringSubmatch(contentType); m != nil {
		return m[1]
	}
	return ""
}

func lookup(label string) (encoding.Encoding, string, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-32", "utf32", "ucs-4":
		return utf32.UTF32(utf32.BigEndian, utf32.UseBOM), "utf-32be", nil
	case "utf-32be":
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "utf-32be", nil
	case "utf-32le":
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "utf-32le", nil
	}
	enc, name := charset.Lookup(label)
	if enc == nil {
		return nil, "", fmt.Errorf("unknown encoding %q", label)
	}
	if name == "utf-8" {
		return nil, name, nil
	}
	return enc, name, nil
}

// cleanXMLText replaces invalid UTF-8 by U+FFFD and drops the characters
// XML 1.0 does not allow (most C0 controls, U+FFFE, U+FFFF), which would
// otherwise make the whole feed unreadable.
func cleanXMLText(b []byte) []byte {
	if utf8.Valid(b) && !hasForbidden(b) {
		return b
	}
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else if xmlChar(r) {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}

func hasForbidden(b []byte) bool {
	for len(b) > 0 {
		if c := b[0]; c < utf8.RuneSelf { // most of a feed: no copy, no decoding
			if c < 0x20 && c != 0x9 && c != 0xA && c != 0xD {
				return true
			}
			b = b[1:]
			continue
		}
		r, size := utf8.DecodeRune(b)
		if !xmlChar(r) {
			return true
		}
		b = b[size:]
	}
	return false
}

func xmlChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
