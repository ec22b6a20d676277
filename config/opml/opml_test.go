package opml

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

const sample = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My subscriptions</title></head>
  <body>
    <outline text="Rivers">
      <outline text="Salmon news" type="rss" xmlUrl="https://salmon.example/feed.xml" htmlUrl="https://salmon.example/"/>
      <outline text="水利" title="水利新闻">
        <outline text="三峡" type="rss" xmlUrl="http://sanxia.example/rss" category="/Dams,Power/"/>
      </outline>
    </outline>
    <outline text="Kayaks" type="rss" xmlUrl="https://kayak.example/atom" htmlUrl="javascript:alert(1)"/>
    <outline text="Again" type="rss" xmlUrl="https://salmon.example/feed.xml"/>
    <outline text="Local" type="rss" xmlUrl="file:///etc/passwd"/>
    <outline text="Gopher" type="rss" xmlUrl="gopher://old.example/"/>
  </body>
</opml>`

func TestParse(t *testing.T) {
	subs, skipped, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := []Subscription{
		{Title: "Salmon news", FeedURL: "https://salmon.example/feed.xml", SiteURL: "https://salmon.example/", Categories: []string{"Rivers"}},
		{Title: "三峡", FeedURL: "http://sanxia.example/rss", Categories: []string{"Rivers", "水利新闻", "Dams", "Power"}},
		{Title: "Kayaks", FeedURL: "https://kayak.example/atom"},
	}
	if !reflect.DeepEqual(subs, want) {
		t.Errorf("Parse =\n%+v\nwant\n%+v", subs, want)
	}
	if skipped != 2 {
		t.Errorf("skipped %d (file: and gopher:), want 2", skipped)
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"not XML", "this is not OPML", "parse OPML"},
		{"too deep", "<opml><body>" + strings.Repeat("<outline text='x'>", 40) + strings.Repeat("</outline>", 40) + "</body></opml>", "nested deeper"},
		{"too large", "<opml><body>" + strings.Repeat(" ", MaxBytes) + "</body></opml>", "larger than"},
		{"other charset", `<?xml version="1.0" encoding="ISO-8859-1"?><opml><body/></opml>`, "only UTF-8"},
	}
	for _, tt := range tests {
		if _, _, err := Parse(strings.NewReader(tt.doc)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestWriteThenParse(t *testing.T) {
	subs := []Subscription{
		{Title: "Salmon & <trout>", FeedURL: "https://salmon.example/feed.xml?a=1&b=2", SiteURL: "https://salmon.example/", Categories: []string{"Rivers"}},
		{Title: "三峡", FeedURL: "http://sanxia.example/rss"},
	}
	var buf bytes.Buffer
	if err := Write(&buf, "Tributary", subs); err != nil {
		t.Fatal(err)
	}
	got, _, err := Parse(&buf)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if !reflect.DeepEqual(got, subs) {
		t.Errorf("round trip =\n%+v\nwant\n%+v", got, subs)
	}
}

// OPML comes from outside: Parse never panics, and never returns a feed
// URL that is not http(s).
func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("<opml><body><outline xmlUrl='https://a.example/'><outline/></outline></body></opml>")
	f.Fuzz(func(t *testing.T, doc string) {
		subs, _, err := Parse(strings.NewReader(doc))
		if err != nil {
			return
		}
		for _, s := range subs {
			if !isHTTP(s.FeedURL) {
				t.Fatalf("feed URL %q is not http(s)", s.FeedURL)
			}
		}
	})
}
