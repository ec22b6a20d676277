package parse

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"github.com/tributary/tributary/aggregator/normalize"
)

// addFeedSeeds adds every feed under testdata/feeds and, when ../shared is
// on this machine, every file of its feed corpus, as seeds: they always run
// with `go test`; `go test -fuzz` mutates them.
func addFeedSeeds(f *testing.F, add func(body []byte)) {
	for _, root := range []string{
		filepath.Join("..", "..", "testdata", "feeds"),
		filepath.Join("..", "..", "..", "shared", "corpus", "feedparser", "tests"),
	} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil // an absent ../shared adds nothing
			}
			if b, err := os.ReadFile(path); err == nil && len(b) < 64<<10 {
				add(b)
			}
			return nil
		})
	}
	// The inputs that once broke the daemon.
	add([]byte("<t>&#;</t>"))
	add([]byte(`<rss><channel><item><title>&#x;&#X;&#</title></item></channel></rss>`))
	add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="xhtml"><div><![CDATA[<b>x</b>]]><object/></div></content></entry></feed>`))
}

// FuzzToUTF8: whatever the bytes and the HTTP charset, the result is valid
// UTF-8 or an error, never a panic.
func FuzzToUTF8(f *testing.F) {
	addFeedSeeds(f, func(b []byte) { f.Add(b, "") })
	f.Add([]byte("<?xml version='1.0' encoding='gb2312'?><r>\xc4\xe3</r>"), "text/xml; charset=gbk")
	f.Add([]byte("\xff\xfe<\x00r\x00>\x00"), "")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		out, _, err := ToUTF8(body, contentType, "")
		if err == nil && !utf8.Valid(out) {
			t.Errorf("ToUTF8 gave invalid UTF-8 for %q", body)
		}
	})
}

// FuzzFixReferences: the repair never panics and is idempotent (what it
// writes needs no more repair).
func FuzzFixReferences(f *testing.F) {
	addFeedSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, b []byte) {
		once := fixReferences(b)
		if twice := fixReferences(once); string(twice) != string(once) {
			t.Errorf("not idempotent:\n%q\n%q\n%q", b, once, twice)
		}
	})
}

// FuzzParse takes bytes through charset decoding, the shape check, gofeed
// and the normaliser, as a poll does: no panic, and every entry it keeps is
// valid UTF-8, links only to http(s), and carries no script.
func FuzzParse(f *testing.F) {
	addFeedSeeds(f, func(b []byte) { f.Add(b) })
	// What the lenient readers repair: JSON Feed field types, a feed in an
	// XHTML page, RSS 1.0 without its namespace slash, titles in <…>.
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"T","items":{"id":7,"title":"<i> und <b>","tags":"x","author":"Ann","authors":{"name":"Bo"}}}`))
	f.Add([]byte(`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>T</a:title><a:entry><a:title>E</a:title><a:id>1</a:id></a:entry></a:feed></body></html>`))
	f.Add([]byte(`<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0"><item rdf:about="http://a.example/#1"><title>Avoid &lt;Cognitive Complexity&gt;</title><link>http://a.example/#1</link></item><item rdf:about="http://a.example/#2"><title>B</title><link>http://a.example/#2</link></item></rdf:RDF>`))
	n := normalize.New()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := Parse(body, "", "")
		if err != nil {
			return
		}
		entries, _ := n.Entries(res.Feed, normalize.Options{FeedURL: "https://feed.example/rss", Now: now})
		for _, e := range entries {
			for _, s := range []string{e.Title, e.Author, e.ContentHTML, e.ContentText, e.URL, e.Key} {
				if !utf8.ValidString(s) {
					t.Errorf("invalid UTF-8 in an entry: %q", s)
				}
			}
			for _, u := range []string{e.URL, e.Link} {
				if u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
					t.Errorf("entry links to %q", u)
				}
			}
			if strings.Contains(strings.ToLower(e.ContentHTML), "<script") {
				t.Errorf("script survived in %q", e.ContentHTML)
			}
		}
	})
}

// FuzzNeedsRetyping checks that the cheap look never spares a document
// whose reading the full Atom pass would change: the feed's and entries'
// titles and texts, read by gofeed and made plain text, are the same with
// and without the pass (the pass may still write the same text otherwise,
// a '"' as &#34;).
func FuzzNeedsRetyping(f *testing.F) {
	for _, inner := range []string{
		`<title>Plain</title><content type="html">&lt;p&gt;x&lt;/p&gt;</content>`,
		`<title>A &amp; B</title>`,
		`<content type="html">&lt;p&gt;</content><summary>&lt;b&gt;</summary>`,
		`<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>a</p></div></content>`,
		`<content type="html"><!-- c --><![CDATA[<p>x</p>]]></content>`,
	} {
		f.Add([]byte(atomEntry(inner)))
	}
	addFeedSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, doc []byte) {
		if needsRetyping(doc) {
			return
		}
		spared, err1 := gofeed.NewParser().Parse(bytes.NewReader(doc))
		full, err2 := gofeed.NewParser().Parse(bytes.NewReader(retypeAll(doc)))
		if err1 != nil || err2 != nil {
			return
		}
		if a, b := readingOf(spared), readingOf(full); a != b {
			t.Errorf("needsRetyping said no, but the full pass changes the reading of\n%q\nfrom %q to %q", doc, a, b)
		}
	})
}

// readingOf is what a subscriber would read of a feed's text constructs.
func readingOf(f *gofeed.Feed) string {
	out := []string{normalize.PlainText(f.Title), normalize.PlainText(f.Description)}
	for _, it := range f.Items {
		out = append(out, normalize.PlainText(it.Title), normalize.PlainText(it.Description), normalize.PlainText(it.Content))
	}
	return strings.Join(out, "\x00")
}

// FuzzPlainHTMLType checks that gofeed reads an Atom document the same
// with its escaped html constructs typed text/html: every string of the
// feed and its items, exactly.
func FuzzPlainHTMLType(f *testing.F) {
	for _, inner := range []string{
		`<title type="html">A &amp;amp; B</title><content type="html">&lt;p&gt;x &lt;a href="/y"&gt;y&lt;/a&gt;&lt;/p&gt;</content>`,
		`<summary type='HTML'>&lt;div&gt;&lt;p&gt;only a div&lt;/p&gt;&lt;/div&gt;</summary><content type="html"><div><p>raw</p></div></content>`,
		`<atom:content xmlns:atom="http://www.w3.org/2005/Atom" type="html">&lt;b&gt;b&lt;/b&gt;</atom:content>`,
		`<content type="html"><![CDATA[<div><p>x</p></div>]]></content><content type="html"/>`,
	} {
		f.Add([]byte(atomEntry(inner)))
	}
	addFeedSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, doc []byte) {
		if !atomRoot(doc) {
			return
		}
		plain := plainHTMLType(doc)
		a, err1 := gofeed.NewParser().Parse(bytes.NewReader(doc))
		b, err2 := gofeed.NewParser().Parse(bytes.NewReader(plain))
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("errors differ: %v, %v\n%q\n%q", err1, err2, doc, plain)
		}
		if err1 != nil {
			return
		}
		if x, y := feedStrings(a), feedStrings(b); x != y {
			t.Errorf("the reading of\n%q\nchanged from\n%q\nto\n%q", doc, x, y)
		}
	})
}

// feedStrings is a feed's text constructs and its items', as gofeed gives
// them.
func feedStrings(f *gofeed.Feed) string {
	out := []string{f.Title, f.Description, f.Copyright}
	for _, it := range f.Items {
		out = append(out, it.Title, it.Description, it.Content)
	}
	return strings.Join(out, "\x00")
}
