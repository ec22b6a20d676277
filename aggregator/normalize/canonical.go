package normalize

import (
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
// fragment and tracking parameters dropped, the other parameters kept in
// order. It returns "" for anything that is not an http or https URL.
func CanonicalURL(raw string, base *url.URL) string {
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
	u.Fragment, u.RawFragment = "", ""
	u.User = nil
	if u.Path == "" {
		u.Path = "/"
	}
	u.RawQuery = stripTracking(u.RawQuery)
	u.ForceQuery = false
	return u.String()
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
