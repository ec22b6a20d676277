package parse

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator/normalize"
)

func atomEntry(inner string) string {
	return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><id>urn:f</id>` +
		`<entry><id>urn:e</id><updated>2026-01-01T00:00:00Z</updated>` + inner + `</entry></feed>`
}

// Atom text is text and XHTML is markup, whatever gofeed's string makes of
// them: what a subscriber finally gets, through gofeed and the normaliser.
func TestAtomTextConstructs(t *testing.T) {
	tests := []struct {
		name              string
		inner             string
		wantTitle         string
		wantHTML, notHTML []string
	}{
		{"text content is text",
			`<title>T</title><content type="text">&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;</content>`,
			"T", []string{"&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"}, []string{"<b>", "<img"}},
		{"untyped summary is text",
			`<title>T</title><summary>1 &lt; 2 &amp;&amp; &lt;i&gt;x&lt;/i&gt;</summary>`,
			"T", []string{"1 &lt; 2 &amp;&amp; &lt;i&gt;x&lt;/i&gt;"}, []string{"<i>"}},
		{"text title keeps what looks like a tag",
			`<title type="text">Reducing &lt;Cognitive Complexity&gt; in Go</title><content type="html">&lt;p&gt;x&lt;/p&gt;</content>`,
			"Reducing <Cognitive Complexity> in Go", []string{"<p>x</p>"}, nil},
		{"html title is markup",
			`<title type="html">&lt;b&gt;Bold&lt;/b&gt; news</title>`,
			"Bold news", nil, nil},
		{"CDATA in XHTML stays text",
			`<title>T</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>a</p><![CDATA[<b>not bold</b><script>alert(1)</script>]]></div></content>`,
			"T", []string{"<p>a</p>&lt;b&gt;not bold&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;"}, []string{"<b>", "<script"}},
		{"self-closed element in XHTML swallows nothing",
			`<title>T</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>one</p><object data="x"/><p>two <br/>three</p><img src="https://x.example/i.png"/></div></content>`,
			"T", []string{"<p>one</p>", "<p>two <br>three</p>", `<img src="https://x.example/i.png">`}, []string{"object"}},
		{"xhtml keeps the content's xml:base",
			`<title>T</title><content type="xhtml" xml:base="https://base.example/dir/"><div xmlns="http://www.w3.org/1999/xhtml"><a href="page">link</a></div></content>`,
			"T", []string{`href="https://base.example/dir/page"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Parse([]byte(atomEntry(tt.inner)), "", "")
			if err != nil {
				t.Fatal(err)
			}
			entries, _ := normalize.New().Entries(res.Feed, normalize.Options{FeedURL: "https://x.example/feed", Now: time.Now()})
			if len(entries) != 1 {
				t.Fatalf("%d entries", len(entries))
			}
			e := entries[0]
			if e.Title != tt.wantTitle {
				t.Errorf("title %q, want %q", e.Title, tt.wantTitle)
			}
			for _, w := range tt.wantHTML {
				if !strings.Contains(e.ContentHTML, w) {
					t.Errorf("content %q lacks %q", e.ContentHTML, w)
				}
			}
			for _, n := range tt.notHTML {
				if strings.Contains(e.ContentHTML, n) {
					t.Errorf("content %q has %q", e.ContentHTML, n)
				}
			}
		})
	}
}

// Only an Atom document is retyped: an RSS feed declaring Atom's namespace
// for its atom:link is not, whatever its escaped HTML looks like.
func TestAtomRoot(t *testing.T) {
	tests := []struct {
		doc  string
		want bool
	}{
		{atomEntry(`<title>T</title>`), true},
		{`<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>`, true},
		{`<?xml version="1.0"?>` + "\n<!-- a comment <feed> -->\n" + `<?xml-stylesheet href="s.xsl"?><a:feed xmlns:a="http://www.w3.org/2005/Atom"/>`, true},
		{`<!DOCTYPE entry><entry xmlns="http://www.w3.org/2005/Atom"><title>T</title></entry>`, true},
		{`<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><atom:link rel="self" href="https://x.example/f"/>` +
			`<item><description>&lt;p&gt;A &amp;amp; B&lt;/p&gt;</description></item></channel></rss>`, false},
		{`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>`, false},
		{`<feeds/>`, false},
		{`<!-- unterminated <feed>`, false},
		{``, false},
	}
	for _, tt := range tests {
		if got := atomRoot([]byte(tt.doc)); got != tt.want {
			t.Errorf("atomRoot(%s) = %v, want %v", tt.doc, got, tt.want)
		}
	}
}

// The cheap look says no only where the full pass would change nothing:
// checked on every Atom document of testdata and of the shared corpus.
func TestNeedsRetypingOnlySparesNoOps(t *testing.T) {
	cases := map[string]bool{
		atomEntry(`<title>Plain</title><content type="html">&lt;p&gt;x &amp;amp; y&lt;/p&gt;</content>`): false,
		atomEntry(`<title>A &amp; B</title><content type="html">&lt;p&gt;x&lt;/p&gt;</content>`):         true,
		atomEntry(`<title>T</title><summary>1 &lt; 2</summary>`):                                         true,
		atomEntry(`<title>T</title><content type='html'>&lt;p&gt;x&lt;/p&gt;</content>`):                 false,
		atomEntry(`<title>T</title><content type="xhtml"><div>x</div></content>`):                        true,
		atomEntry(`<title>T</title><content type="html"><![CDATA[<p>x</p>]]></content>`):                 true,
		atomEntry(`<link href="https://a.example/?a=1&amp;b=2"/><title>T</title>`):                       false,
		atomEntry(`<title>T<b>old</b></title>`):                                                          true,
		atomEntry(`<title/><summary>s</summary>`):                                                        false,
	}
	for doc, want := range cases {
		if got := needsRetyping([]byte(doc)); got != want {
			t.Errorf("needsRetyping(%s) = %v, want %v", doc, got, want)
		}
	}
	var docs [][]byte
	for doc := range cases {
		docs = append(docs, []byte(doc))
	}
	for _, root := range []string{filepath.Join("..", "..", "testdata"), filepath.Join("..", "..", "..", "shared", "corpus")} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, []byte(atomNS)) {
					docs = append(docs, b)
				}
			}
			return nil
		})
	}
	spared := 0
	for _, doc := range docs {
		if !needsRetyping(doc) {
			spared++
			if out := retypeAll(doc); !bytes.Equal(out, doc) {
				t.Errorf("needsRetyping said no, but the full pass changes:\n%s\ninto\n%s", doc, out)
			}
		}
	}
	t.Logf("%d Atom documents, %d spared the full pass", len(docs), spared)
}

// Escaped HTML in an Atom construct typed html is typed text/html, which
// gofeed reads to the same string without parsing it as HTML twice; only
// where that holds (see FuzzPlainHTMLType for the reading itself).
func TestPlainHTMLType(t *testing.T) {
	tests := []struct {
		name, doc string
		rewritten bool
	}{
		{"escaped content", atomEntry(`<content type="html">&lt;p&gt;x&lt;/p&gt;</content>`), true},
		{"escaped title, single quotes, upper case", atomEntry(`<title type='HTML'>&lt;b&gt;T&lt;/b&gt;</title>`), true},
		{"atom: prefix", `<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"><atom:entry><atom:content type="html">&lt;p&gt;x&lt;/p&gt;</atom:content></atom:entry></atom:feed>`, true},
		{"raw markup inside", atomEntry(`<content type="html"><div><p>x</p></div></content>`), false},
		{"CDATA inside", atomEntry(`<content type="html"><![CDATA[<p>x</p>]]></content>`), false},
		{"self-closed", atomEntry(`<content type="html"/>`), false},
		{"another vocabulary", atomEntry(`<media:title xmlns:media="http://search.yahoo.com/mrss/" type="html">&lt;b&gt;T&lt;/b&gt;</media:title>`), false},
		{"xml:base to resolve against", strings.Replace(atomEntry(`<content type="html">&lt;a href="x"&gt;x&lt;/a&gt;</content>`), "<entry>", `<entry xml:base="https://a.example/">`, 1), false},
		{"text constructs left alone", atomEntry(`<title type="text">T</title><summary>S</summary>`), false},
		{"inside another construct", `<feed xmlns="http://www.w3.org/2005/Atom"><title><content type="html"></content></title></feed>`, false},
		{"inside another element", atomEntry(`<x:ext xmlns:x="urn:x"><content type="html">&lt;b&gt;</content></x:ext>`), false},
		{"a comment that looks like tags", atomEntry(`<!-- a > </entry> <b> --><content type="html">&lt;p&gt;x&lt;/p&gt;</content>`), true},
		{"end tags it cannot follow", atomEntry(`<link href="a>b"/><content type="html">&lt;p&gt;x&lt;/p&gt;</content>`), false},
		{"a CDATA section elsewhere", atomEntry(`<summary><![CDATA[s]]></summary><content type="html">&lt;p&gt;x&lt;/p&gt;</content>`), false},
	}
	for _, tt := range tests {
		out := string(plainHTMLType([]byte(tt.doc)))
		if rewritten := out != tt.doc; rewritten != tt.rewritten {
			t.Errorf("%s: rewritten %v, want %v:\n%s", tt.name, rewritten, tt.rewritten, out)
		}
		if tt.rewritten && strings.Replace(out, `"text/html"`, `"html"`, 1) != tt.doc && strings.Replace(out, `'text/html'`, `'HTML'`, 1) != tt.doc {
			t.Errorf("%s: more than the type changed:\n%s", tt.name, out)
		}
	}
}
