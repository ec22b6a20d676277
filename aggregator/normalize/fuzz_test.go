package normalize

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
)

// FuzzSanitize: whatever HTML a feed gives, the republished HTML has no
// element or attribute that runs script, and links only to safe schemes.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		`<p>Hello <a href="page.html" onclick="x()">link</a></p>`,
		`<script>alert(1)</script><img src=x onerror=alert(1)>`,
		`<a href="javascript:alert(1)">x</a><a href="jav&#x09;ascript:alert(1)">y</a>`,
		`<iframe src="https://evil.example/"></iframe><object data=x><embed src=y>`,
		`<svg><script>alert(1)</script></svg><math><mi xlink:href="javascript:1">`,
		`<style>body{}</style><form action=x><input></form><frame src=x>`,
		`<![CDATA[<b>]]><!-- <script> --><p style="background:url(javascript:1)">`,
		`<p>a</p><iframe src="https://v.example/1" /><p>b <script/>alert(1)</p><textarea/><b>c</b>`,
	} {
		f.Add(s)
	}
	n := New()
	base, _ := url.Parse("https://feed.example/posts/")
	f.Fuzz(func(t *testing.T, in string) {
		out := n.policy.Sanitize(absolutize(in, base))
		checkSafeHTML(t, in, out)
	})
}

func checkSafeHTML(t *testing.T, in, out string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script", "iframe", "object", "embed", "style", "form", "frame", "frameset", "base", "meta", "link", "svg", "math":
			t.Fatalf("sanitised %q has <%s>: %q", in, tok.Data, out)
		}
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" || key == "formaction" {
				t.Fatalf("sanitised %q has attribute %s: %q", in, a.Key, out)
			}
			if key == "href" || key == "src" || key == "action" || key == "cite" || key == "poster" {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto" {
					t.Fatalf("sanitised %q links to %q: %q", in, a.Val, out)
				}
			}
		}
	}
}

// FuzzCanonicalURL: a canonical URL is empty or an http(s) URL without
// fragment, and canonicalising it again changes nothing.
func FuzzCanonicalURL(f *testing.F) {
	for _, s := range []string{
		"https://Example.COM:443/a/../b?utm_source=x&id=1#top", "/relative/path?fbclid=1", "HTTP://x.example:80",
		"javascript:alert(1)", "https://user:pw@x.example/%7euser/%2F", "//cdn.example/x", "http://[::1]:8080/",
		"https://x.example/?a=1&a=2&spm=3", "https://例子.example/路径?q=中文",
	} {
		f.Add(s)
	}
	base, _ := url.Parse("https://feed.example/dir/feed.xml")
	f.Fuzz(func(t *testing.T, raw string) {
		c := CanonicalURL(raw, base)
		if c == "" {
			return
		}
		u, err := url.Parse(c)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Fragment != "" || u.User != nil {
			t.Fatalf("CanonicalURL(%q) = %q", raw, c)
		}
		if again := CanonicalURL(c, base); again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, c, again)
		}
		// The link published for it is http(s), has no user info, and
		// compares equal to it.
		o := OriginalLink(raw, base)
		ou, err := url.Parse(o)
		if o == "" || err != nil || (ou.Scheme != "http" && ou.Scheme != "https") || ou.User != nil {
			t.Fatalf("OriginalLink(%q) = %q, though CanonicalURL gives %q", raw, o, c)
		}
		if oc := CanonicalURL(o, base); oc != c {
			t.Fatalf("OriginalLink(%q) = %q, whose canonical form %q is not %q", raw, o, oc, c)
		}
	})
}

// FuzzItemDates: whatever date strings an item carries, the entry's dates
// are never before 1990 nor, under clamp, after the poll.
func FuzzItemDates(f *testing.F) {
	for _, s := range []string{"Mon, 02 Jan 2006 15:04:05 MST", "2024-06-07T03:40:12+08:00", "2006年01月02日", "8:56 am PST", "0001-01-01", "9999-12-31T23:59:59Z", "garbage", ""} {
		f.Add(s, s)
	}
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	n := New()
	f.Fuzz(func(t *testing.T, published, updated string) {
		feed := &gofeed.Feed{Items: []*gofeed.Item{{Title: "t", Link: "https://x.example/2024/06/07/story", Published: published, Updated: updated}}}
		entries, _ := n.Entries(feed, Options{FeedURL: "https://x.example/feed", Now: now})
		for _, e := range entries {
			if !e.Published.IsZero() && (e.Published.Year() < 1990 || e.Published.After(now)) {
				t.Fatalf("published %q, updated %q gave %v", published, updated, e.Published)
			}
		}
	})
}

// FuzzSanitizedText: the plain text of what the sanitiser writes, read by
// sanitizedText's scan, is what PlainText reads in it.
func FuzzSanitizedText(f *testing.F) {
	for _, s := range []string{
		`<p>Hello <a href="page.html?a=1&amp;b=2" title="x > y">link</a> &amp; <em>more</em></p><p>next</p>`,
		`a < b &lt; c <b>bold</b><br/>line<br>break &nbsp;&copy;&#169;&#x4E2D;`,
		`<ul><li>one</li><li>two</li></ul><table><tr><td>1</td><td>2</td></tr></table>`,
		`<script>alert(1)</script><style>p{}</style><title>t</title><textarea>x</textarea><plaintext>y`,
		`中文<strong>粗体</strong>，<span>内联</span><div>块</div>`,
		"<p>a\r\nb\rc\x00d</p><!-- c --><![CDATA[x]]><?pi?>",
		`<img src="https://x.example/a.png" alt="<p>">text<unknown-tag>u</unknown-tag><a href="x`,
	} {
		f.Add(s)
	}
	n := New()
	base, _ := url.Parse("https://feed.example/posts/")
	f.Fuzz(func(t *testing.T, in string) {
		out := strings.TrimSpace(sanitize(n.policy, absolutize(in, base)))
		if got, want := sanitizedText(out), PlainText(out); got != want {
			t.Errorf("sanitised %q is %q: sanitizedText %q, PlainText %q", in, out, got, want)
		}
	})
}

// FuzzHasControls checks the byte scan that spares stripControls its
// decoding against the rune-by-rune definition, on any bytes a feed may
// carry, UTF-8 or not.
func FuzzHasControls(f *testing.F) {
	for _, s := range []string{"plain", "a\x01b", "don\u0092t", "\xc2\x9f", "\xef\xbf\xbe", "\xe2\xef\xbf\xbf", "\xc2", "\xef\xbf", "中文\u3000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := hasControls(s), strings.ContainsFunc(s, stripped); got != want {
			t.Errorf("hasControls(%q) = %v, want %v", s, got, want)
		}
	})
}
