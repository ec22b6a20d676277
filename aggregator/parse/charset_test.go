package parse

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/tributary/tributary/aggregator/normalize"
)

func TestToUTF8(t *testing.T) {
	gbk := func(s string) []byte {
		b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	big5 := func(s string) []byte {
		b, err := traditionalchinese.Big5.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	utf16 := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name        string
		body        []byte
		contentType string
		override    string
		wantText    string
		wantEnc     string
	}{
		{"utf-8 plain", []byte(`<?xml version="1.0"?><t>héllo</t>`), "", "", "<t>héllo</t>", "utf-8"},
		{"declaration gb2312", gbk(`<?xml version="1.0" encoding="gb2312"?><t>长江</t>`), "", "", "<t>长江</t>", "gbk"},
		{"header only", gbk(`<?xml version="1.0"?><t>珠江</t>`), "text/xml; charset=GBK", "", "<t>珠江</t>", "gbk"},
		{"header beats declaration", big5(`<?xml version="1.0" encoding="utf-8"?><t>臺灣</t>`), "application/xml; charset=big5", "", "<t>臺灣</t>", "big5"},
		{"override beats all", gbk(`<?xml version="1.0" encoding="utf-8"?><t>长江</t>`), "text/xml; charset=utf-8", "gbk", "<t>长江</t>", "gbk"},
		{"utf-16 with BOM", utf16(`<?xml version="1.0" encoding="utf-16"?><t>水</t>`), "", "", "<t>水</t>", "utf-16le"},
		{"windows-1252 fallback", []byte("<?xml version=\"1.0\"?><t>caf\xe9</t>"), "", "", "<t>café</t>", "windows-1252"},
		{"control characters dropped", []byte("<?xml version=\"1.0\"?><t>a\x01b\x0bc</t>"), "", "", "<t>abc</t>", "utf-8"},
		{"references to control characters dropped", []byte("<?xml version=\"1.0\"?><t>a&#x7;b&#27;c&#x4E2D;&#65;</t>"), "", "", "<t>abc&#x4e2d;&#x41;</t>", "utf-8"},
		{"declared latin-1, UTF-8 bytes", []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>Br\xc3\xb8ndby</t>"), "", "", "<t>Brøndby</t>", "utf-8"},
		{"header latin-1, UTF-8 bytes", []byte("<?xml version=\"1.0\"?><t>Br\xc3\xb8ndby</t>"), "text/xml; charset=iso-8859-1", "", "<t>Brøndby</t>", "utf-8"},
		{"declared latin-1, latin-1 bytes", []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>Br\xf8ndby</t>"), "", "", "<t>Brøndby</t>", "windows-1252"},
		{"declared latin-1, ASCII only", []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>Brondby</t>"), "", "", "<t>Brondby</t>", "windows-1252"},
		{"declared GBK, valid UTF-8 too: GBK is not single-byte", gbk(`<?xml version="1.0" encoding="gbk"?><t>长江</t>`), "", "", "<t>长江</t>", "gbk"},
		{"invalid utf-8 in declared utf-8", []byte("<?xml version=\"1.0\" encoding=\"utf-8\"?><t>a\xffb</t>"), "", "", "<t>a\uFFFDb</t>", "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, enc, err := ToUTF8(tt.body, tt.contentType, tt.override)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(string(out), tt.wantText) {
				t.Errorf("text = %q, want suffix %q", out, tt.wantText)
			}
			if enc != tt.wantEnc {
				t.Errorf("encoding = %q, want %q", enc, tt.wantEnc)
			}
			if strings.Contains(string(out), "encoding=") && !strings.Contains(string(out), `encoding="utf-8"`) {
				t.Errorf("declaration not rewritten: %q", out)
			}
		})
	}
}

func TestToUTF8UnknownEncoding(t *testing.T) {
	_, _, err := ToUTF8([]byte(`<?xml version="1.0" encoding="x-klingon"?><t/>`), "", "")
	if err == nil || !strings.Contains(err.Error(), "x-klingon") {
		t.Errorf("err = %v, want unknown encoding", err)
	}
}

func TestParseGarbage(t *testing.T) {
	for _, body := range []string{"", "not a feed", "<html><body>hi</body></html>", "{\"x\":"} {
		if _, err := Parse([]byte(body), "", ""); err == nil {
			t.Errorf("Parse(%q) succeeded", body)
		}
	}
}

func TestFixReferences(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<t>a&nbsp;b</t>", "<t>a&#xa0;b</t>"},
		{"<t>caf&eacute; &amp; &lt;x&gt; &quot;&apos;</t>", "<t>caf&#xe9; &amp; &lt;x&gt; &quot;&apos;</t>"},
		{"<link>http://x.example/?a=1&b=2</link>", "<link>http://x.example/?a=1&amp;b=2</link>"},
		{"<t>AT&T &unknownentity; & done</t>", "<t>AT&amp;T &amp;unknownentity; &amp; done</t>"},
		{"<t>&#X3C; &#60; &#x1b;</t>", "<t>&#x3c; &#x3c; </t>"},
		{"<t><![CDATA[a&nbsp;b & c]]></t><!-- & -->", "<t><![CDATA[a&nbsp;b & c]]></t><!-- & -->"},
		// References without digits once panicked the daemon.
		{"<t>&#;</t>", "<t>&amp;#;</t>"},
		{"<t>&#x;&#X;</t>", "<t>&amp;#x;&amp;#X;</t>"},
		{"<t>&#-1;&#+1;</t>", "<t>&amp;#-1;&amp;#+1;</t>"},
		{"<t>&#99999999999;</t>", "<t>&amp;#99999999999;</t>"},
		{"&", "&amp;"},
		{"&#", "&amp;#"},
	}
	for _, tt := range tests {
		if got := string(fixReferences([]byte(tt.in))); got != tt.want {
			t.Errorf("fixReferences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// RSS 1.0 with its namespace declared without the trailing slash still has
// its items (a feed written for this test).
func TestRSS1NamespaceWithoutSlash(t *testing.T) {
	for _, ns := range []string{"http://purl.org/rss/1.0/", "http://purl.org/rss/1.0"} {
		doc := `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="` + ns + `">` +
			`<channel rdf:about="http://river.example/"><title>River</title><link>http://river.example/</link></channel>` +
			`<item rdf:about="http://river.example/1"><title>Flood warning</title><link>http://river.example/1</link></item></rdf:RDF>`
		r, err := Parse([]byte(doc), "", "")
		if err != nil || len(r.Feed.Items) != 1 || r.Feed.Items[0].Title != "Flood warning" {
			t.Errorf("namespace %q: %v, %+v", ns, err, r)
		}
	}
}

// JSON Feeds with fields of the wrong type are read, not refused; titles
// stay as written (feeds written for this test).
func TestLenientJSONFeed(t *testing.T) {
	tests := []struct {
		name, doc string
		check     func(*Result) bool
	}{
		{"tags as a string", `{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[{"id":"1","title":"<i> und <b>","tags":"rivers","content_text":"x"}]}`,
			func(r *Result) bool {
				return r.Feed.Items[0].Title == "<i> und <b>" && len(r.Feed.Items[0].Categories) == 1 && r.Feed.Items[0].Categories[0] == "rivers"
			}},
		{"a number id, an author name", `{"version":"https://jsonfeed.org/version/1","title":"T","items":[{"id":7,"title":"A","author":"Ann","content_text":"x"}]}`,
			func(r *Result) bool {
				return r.Feed.Items[0].GUID == "7" && len(r.Feed.Items[0].Authors) == 1 && r.Feed.Items[0].Authors[0].Name == "Ann"
			}},
		{"authors as an object, a title as a number", `{"version":"https://jsonfeed.org/version/1.1","title":"T","items":{"id":"1","title":5,"authors":{"name":"Bo"},"content_text":"x"}}`,
			func(r *Result) bool {
				return r.Feed.Items[0].Title == "" && len(r.Feed.Items[0].Authors) == 1 && r.Feed.Items[0].Authors[0].Name == "Bo"
			}},
	}
	for _, tt := range tests {
		r, err := Parse([]byte(tt.doc), "application/feed+json", "")
		if err != nil || len(r.Feed.Items) != 1 || !tt.check(r) {
			t.Errorf("%s: %v %+v", tt.name, err, r)
		}
	}
}

// An Atom feed inside an XHTML page is found and read (a document written
// for this test); a page without a feed is still refused.
func TestFeedEmbeddedInXHTML(t *testing.T) {
	page := `<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Our feed</title></head><body>
<p>Subscribe below.</p>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour News</title><id>urn:x:harbour</id><updated>2026-11-01T10:00:00Z</updated>
<entry><title>Ferry timetable</title><id>urn:x:1</id><updated>2026-11-01T10:00:00Z</updated><link href="https://harbour.example/1"/></entry>
<entry><title>Tide &lt;high&gt; at noon</title><id>urn:x:2</id><updated>2026-11-01T11:00:00Z</updated><link href="https://harbour.example/2"/></entry>
</feed></body></html>`
	r, err := Parse([]byte(page), "application/xhtml+xml", "")
	if err != nil || r.Feed.Title != "Harbour News" || len(r.Feed.Items) != 2 || r.Feed.Items[0].Title != "Ferry timetable" {
		t.Fatalf("embedded feed: %v %+v", err, r)
	}
	// The embedded feed's text constructs are text, as in a feed of its own.
	entries, _ := normalize.New().Entries(r.Feed, normalize.Options{FeedURL: "https://harbour.example/feed", Now: time.Now()})
	if len(entries) != 2 || entries[1].Title != "Tide <high> at noon" {
		t.Errorf("embedded feed's text title: %+v", entries)
	}
	if _, err := Parse([]byte(`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>No feed.</p></body></html>`), "", ""); err == nil {
		t.Error("a page without a feed was read as one")
	}
}
