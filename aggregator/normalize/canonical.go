package normalize

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// trackingParams are query parameters that identify a campaign or a click,
// not a page. Any parameter starting with "utm_" is dropped too.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true,
	"mc_cid": true, "mc_eid": true, "igshid": true, "spm": true,
	"_hsenc": true, "_hsmi": true, "mkt_tok": true,
}

// CanonicalURL resolves raw against base and returns the canonical form used
// to identify and link an article: scheme and host lower-cased, default port,
// fragment and tracking parameters dropped, percent-encoding normalised, the
// other parameters kept in order. It returns "" for anything that is not an
// http or https URL.
func CanonicalURL(raw string, base *url.URL) string {
	return clean(raw, base, false)
}

// OriginalLink resolves raw against base and returns the link as the feed
// gave it, to publish: tracking parameters and user info dropped, nothing
// else changed (case, percent-encoding, the fragment and the path stay as
// written). It returns "" for anything that is not an http or https URL,
// and the canonical form when the link as given would not read back as the
// same page.
func OriginalLink(raw string, base *url.URL) string {
	return originalLink(raw, base, CanonicalURL(raw, base))
}

// originalLink is OriginalLink for a caller that has made raw's canonical
// form already.
func originalLink(raw string, base *url.URL, canonical string) string {
	if canonical == "" {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return canonical
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	u.User = nil
	u.RawQuery = escapeIllegal(stripTracking(u.RawQuery))
	u.ForceQuery = false
	out := u.String()
	if _, err := url.Parse(out); err != nil || CanonicalURL(out, nil) != canonical {
		return canonical
	}
	return out
}

// CleanLink is CanonicalURL for links inside content: the fragment, which may
// point into the page, is kept.
func CleanLink(raw string, base *url.URL) string {
	return clean(raw, base, true)
}

func clean(raw string, base *url.URL, keepFragment bool) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if host == "" { // "//: " resolves to a host of ": "
		return ""
	}
	if _, err := netip.ParseAddr(host); strings.Contains(host, ":") && err != nil {
		return "" // "//::" has the host ":", which is no IPv6 address
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	if !keepFragment {
		u.Fragment, u.RawFragment = "", ""
	}
	u.User = nil
	if u.Path == "" {
		u.Path = "/"
	}
	if raw := removeDotSegments(normalizeEscapes(u.EscapedPath())); raw != u.EscapedPath() {
		if p, err := url.PathUnescape(raw); err == nil {
			u.Path, u.RawPath = p, raw
		}
	}
	u.RawQuery = escapeIllegal(normalizeEscapes(stripTracking(u.RawQuery)))
	u.ForceQuery = false
	out := u.String()
	if _, err := url.Parse(out); err != nil {
		return "" // what cannot be read back cannot be compared or linked
	}
	return out
}

// normalizeEscapes rewrites percent-escapes in s the one way RFC 3986 calls
// equivalent: escapes of unreserved characters (letters, digits, "-._~")
// are decoded, the others written with upper-case hex digits, and a stray
// "%" is written "%25".
func normalizeEscapes(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			// A "%" that starts no escape is itself escaped, or decoding
			// "%0%61" would make a new escape, "%0a".
			b.WriteString("%25")
			continue
		}
		c := unhex(s[i+1])<<4 | unhex(s[i+2])
		if isUnreserved(c) {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteString(strings.ToUpper(s[i+1 : i+3]))
		}
		i += 2
	}
	return b.String()
}

// removeDotSegments removes the "." and ".." segments of an absolute path
// (RFC 3986 §5.2.4), which decoding "%2e" may have brought in.
func removeDotSegments(p string) string {
	if !strings.Contains(p, ".") {
		return p
	}
	in := strings.Split(p, "/")
	out := make([]string, 0, len(in))
	for i, seg := range in {
		last := i == len(in)-1
		switch seg {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, seg)
		}
	}
	return strings.Join(out, "/")
}

// escapeIllegal percent-encodes the bytes that may not appear raw in a URL
// query (space, controls, and "<>\"\\^`{|}"), which url.Parse lets through:
// written raw, "?a b" would read back as another URL.
func escapeIllegal(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || strings.IndexByte("<>\"\\^`{|}", c) >= 0 {
			if b.Len() == 0 {
				b.WriteString(s[:i])
			}
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return s
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// stripTracking removes tracking parameters from a raw query, keeping the
// others and their order exactly as written.
func stripTracking(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	var kept []string
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		name, _, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		name = strings.ToLower(name)
		if strings.HasPrefix(name, "utm_") || trackingParams[name] {
			continue
		}
		kept = append(kept, part)
	}
	return strings.Join(kept, "&")
}
