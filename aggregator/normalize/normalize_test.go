package normalize

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func TestKey(t *testing.T) {
	tests := []struct {
		name, guid string
		unique     bool
		url        string
		wantPrefix string
	}{
		{"unique guid", "tag:x,2024:1", true, "https://x.example/a", "guid:tag:x,2024:1"},
		{"repeated guid falls back to url", "1", false, "https://x.example/a", "url:https://x.example/a"},
		{"no guid", "", false, "https://x.example/a", "url:https://x.example/a"},
		{"nothing: hash", "", false, "", "hash:"},
	}
	for _, tt := range tests {
		got := Key(tt.guid, tt.unique, tt.url, "title", "date", "text")
		if !strings.HasPrefix(got, tt.wantPrefix) {
			t.Errorf("%s: Key = %q, want prefix %q", tt.name, got, tt.wantPrefix)
		}
	}
	if Key("", false, "", "a", "d", "t") == Key("", false, "", "b", "d", "t") {
		t.Error("hash keys of different titles collide")
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain  text\n here", "plain text here"},
		{"<p>Hello <b>world</b></p><p>again</p>", "Hello world again"},
		{"<p>the <em>lower delta</em>. <a href=\"x\">More</a>.</p>", "the lower delta. More."},
		{"Fish &amp; chips &lt;3", "Fish & chips <3"},
		{"a<script>alert(1)</script>b<style>p{}</style>c", "a b c"},
		{"<p>中文<br/>标题</p>", "中文 标题"},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSanitiseAndAbsolutize(t *testing.T) {
	n := New()
	feed := &gofeed.Feed{Items: []*gofeed.Item{{
		GUID:  "1",
		Link:  "https://x.example/posts/one?utm_source=rss",
		Title: "<b>Bold</b> title\x01",
		Content: `<p onclick="steal()">Hi <img src="/img/a.png" onerror="alert(1)"></p>` +
			`<script>alert(2)</script><a href="javascript:alert(3)">bad</a> <a href="../about?utm_campaign=x&amp;fbclid=y">rel</a>` +
			`<iframe src="https://evil.example/"></iframe>`,
	}}}
	got, _ := n.Entries(feed, Options{FeedURL: "https://x.example/feed.xml", Now: time.Now()})
	if len(got) != 1 {
		t.Fatalf("got %d entries", len(got))
	}
	e := got[0]
	for _, bad := range []string{"onclick", "onerror", "<script", "javascript:", "alert(2)", "<iframe", "steal"} {
		if strings.Contains(e.ContentHTML, bad) {
			t.Errorf("content still has %q: %s", bad, e.ContentHTML)
		}
	}
	for _, good := range []string{`src="https://x.example/img/a.png"`, `href="https://x.example/about"`} {
		if !strings.Contains(e.ContentHTML, good) {
			t.Errorf("content lacks %s: %s", good, e.ContentHTML)
		}
	}
	if e.Title != "Bold title" {
		t.Errorf("Title = %q", e.Title)
	}
	if e.URL != "https://x.example/posts/one" {
		t.Errorf("URL = %q", e.URL)
	}
	if e.ContentText != "Hi bad rel" {
		t.Errorf("ContentText = %q", e.ContentText)
	}
}

// The same item listed twice is one entry.
func TestEntriesDropRepeatedItems(t *testing.T) {
	feed := &gofeed.Feed{Items: []*gofeed.Item{
		{Link: "https://x.example/a", Title: "first"},
		{Link: "https://x.example/a#again", Title: "first"},
		{Link: "https://x.example/b", Title: "other"},
	}}
	got, id := New().Entries(feed, Options{FeedURL: "https://x.example/feed", Now: time.Now()})
	if len(got) != 2 || got[0].Title != "first" || got[1].Title != "other" || id.ByContent != 0 {
		t.Errorf("got %+v, identity %+v", got, id)
	}
}

func TestGUIDsUnusable(t *testing.T) {
	tests := []struct {
		name  string
		guids []string
		urls  []string
		want  bool
	}{
		{"all unique", []string{"1", "2", "3", "4"}, []string{"a", "b", "c", "d"}, false},
		{"same item listed twice", []string{"1", "2", "1", "3"}, []string{"a", "b", "a", "c"}, false},
		{"one GUID for every item", []string{"x", "x", "x", "x"}, []string{"a", "b", "c", "d"}, true},
		{"most missing", []string{"", "", "3", ""}, []string{"a", "b", "c", "d"}, true},
		{"one missing of four", []string{"1", "", "3", "4"}, []string{"a", "b", "c", "d"}, false},
		{"two of five shared", []string{"1", "1", "3", "4", "5"}, []string{"a", "b", "c", "d", "e"}, true},
		{"empty document", nil, nil, false},
	}
	for _, tt := range tests {
		if got := GUIDsUnusable(tt.guids, tt.urls); got != tt.want {
			t.Errorf("%s: GUIDsUnusable = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRepeatedGUIDsFallBackToURLIdentity(t *testing.T) {
	feed := &gofeed.Feed{Items: []*gofeed.Item{
		{GUID: "same", Link: "https://x.example/a", Title: "A"},
		{GUID: "same", Link: "https://x.example/b", Title: "B"},
		{GUID: "other", Link: "https://x.example/c", Title: "C"},
	}}
	got, id := New().Entries(feed, Options{FeedURL: "https://x.example/feed", Now: time.Now()})
	if !id.ByURL || id.ByContent != 0 || len(got) != 3 {
		t.Fatalf("identity = %+v, %d entries", id, len(got))
	}
	for _, e := range got {
		if !strings.HasPrefix(e.Key, "url:") {
			t.Errorf("key %q is not a URL key", e.Key)
		}
	}
	// A source already on URL identity stays there even with good GUIDs.
	good := &gofeed.Feed{Items: []*gofeed.Item{{GUID: "g1", Link: "https://x.example/a"}}}
	got, id = New().Entries(good, Options{FeedURL: "https://x.example/feed", Now: time.Now(), URLIdentity: true})
	if !id.ByURL || got[0].Key != "url:https://x.example/a" {
		t.Errorf("sticky URL identity lost: %+v, %q", id, got[0].Key)
	}
}

// Items that neither GUID nor link tell apart are keyed by content when
// they say different things, and kept once when they say the same.
func TestItemsToldApartByContent(t *testing.T) {
	feed := &gofeed.Feed{Link: "https://x.example/", Items: []*gofeed.Item{
		{GUID: "same", Title: "Episode 1", Link: "https://x.example/"},
		{GUID: "same", Title: "Episode 2", Link: "https://x.example/"},
		{GUID: "same", Title: "Episode 2", Link: "https://x.example/"}, // listed twice
		{GUID: "own", Title: "Episode 3", Link: "https://x.example/3"},
	}}
	got, id := New().Entries(feed, Options{FeedURL: "https://x.example/feed", Now: time.Now()})
	if len(got) != 3 || id.ByContent != 2 {
		t.Fatalf("%d entries, identity %+v; want 3 entries, 2 keyed by content", len(got), id)
	}
	for _, e := range got[:2] {
		if !strings.HasPrefix(e.Key, "hash:") {
			t.Errorf("%s: key %q, want a content key", e.Title, e.Key)
		}
	}
	if got[0].Key == got[1].Key {
		t.Error("two different episodes share a key")
	}
}

// An RSS GUID marked isPermaLink="false" is an identifier, not a link.
func TestNonPermalinkGUIDIsNeverALink(t *testing.T) {
	feed := &gofeed.Feed{Link: "https://x.example/", Items: []*gofeed.Item{
		{GUID: "https://x.example/posts/1", Title: "Not a permalink", Custom: map[string]string{NotPermalink: "true"}},
		{GUID: "https://x.example/posts/2", Title: "A permalink"},
	}}
	got, _ := New().Entries(feed, Options{FeedURL: "https://x.example/feed", Now: time.Now()})
	if got[0].URL != "" {
		t.Errorf("non-permalink GUID became the URL %q", got[0].URL)
	}
	if got[1].URL != "https://x.example/posts/2" {
		t.Errorf("permalink GUID: URL %q", got[1].URL)
	}
}

func TestStripControls(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"don\u0092t", "don’t"},
		{"\u0093quoted\u0094", "“quoted”"},
		{"bell\x07 and esc\x1b", "bell and esc"},
		{"tab\tnewline\n", "tab\tnewline\n"},
		{"undefined\u0081", "undefined"},
		{"\xd3M4", "\uFFFDM4"},               // base64 content decoded to bytes not UTF-8
		{"中\xe6\x96文\x07", "中\uFFFD\uFFFD文"}, // a cut character (a U+FFFD a byte), a control
	}
	for _, tt := range tests {
		if got := stripControls(tt.in); got != tt.want {
			t.Errorf("stripControls(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFuller(t *testing.T) {
	long := "<p>The salmon ladder at the weir opened this week, and the first fish climbed it within hours.</p>"
	tests := []struct{ content, summary, want string }{
		{`<p>Read more…</p>`, long, long},                // a stub in content:encoded
		{long, `<p>The salmon ladder opened.</p>`, long}, // the usual: a short description
		{"", long, long},
		{long, "", long},
		{"<b>same</b>", "same", "<b>same</b>"}, // as much text: content
	}
	for _, tt := range tests {
		if got := fuller(tt.content, tt.summary); got != tt.want {
			t.Errorf("fuller(%q, %q) = %q", tt.content, tt.summary, got)
		}
	}
}

func TestTitleText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Avoid <Cognitive Complexity> in Go", "Avoid <Cognitive Complexity> in Go"}, // escaped in the feed: text
		{"<b>Bold</b> move &amp; more", "Bold move & more"},                          // HTML markup
		{"a <br> b", "a b"},
		{"x < y and y > z", "x < y and y > z"},
		{"<script>alert(1)</script>Title", "Title"},
		{"Vec<T> and Option<String>", "Vec<T> and Option<String>"},
	}
	for _, tt := range tests {
		if got := TitleText(tt.in); got != tt.want {
			t.Errorf("TitleText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A self-closed iframe (or any non-void element) does not swallow the rest
// of the post.
func TestSelfClosedElementsKeepTheRest(t *testing.T) {
	n := New()
	for _, raw := range []string{
		`<p>Before</p><iframe src="https://video.example/embed/1" width="560" /><p>After <b>bold</b></p>`,
		`<p>Before</p><div class="x"/><p>After <b>bold</b></p>`,
		`<p>Before</p><textarea/><p>After <b>bold</b></p>`,
		`<p>Before</p><SCRIPT src="x.js"/><p>After <b>bold</b></p>`,
	} {
		got := n.policy.Sanitize(absolutize(raw, nil))
		if !strings.Contains(got, "<p>After <b>bold</b></p>") || strings.Contains(got, "&lt;") {
			t.Errorf("%s\n  sanitised to %s", raw, got)
		}
	}
	if got := n.policy.Sanitize(absolutize(`a<br/>b<img src="https://x.example/i.png"/>c`, nil)); !strings.Contains(got, "a<br/>b") {
		t.Errorf("void elements: %s", got)
	}
}

// The text of a raw-text element (xmp, plaintext, noscript…) is read as
// written, references and all: absolutize keeps it so, and the sanitiser
// then reads what it would have read without absolutize. Escaped again, it
// showed "a&lt;b" for "a<b".
func TestRawTextIsNotEscapedTwice(t *testing.T) {
	n := New()
	for _, raw := range []string{
		`<p>Code:</p><xmp>if a<b && c>d { x = "&amp;" }</xmp><p>after</p>`,
		`<p>Rest as text:</p><plaintext>a<b &lt; c`,
		`<noscript><img src="https://x.example/i.png" alt="a&b"></noscript><p>after</p>`,
		`<p>a</p><textarea>1 &lt; 2 & <b>x</b></textarea>`,
		`<style>p > a { content: "&" }</style><p>styled</p>`,
	} {
		got := n.policy.Sanitize(absolutize(raw, nil))
		if want := n.policy.Sanitize(raw); got != want {
			t.Errorf("%s\n  sanitised through absolutize to %s\n  want %s", raw, got, want)
		}
	}
	if got := n.policy.Sanitize(absolutize(`<xmp>a<b</xmp>`, nil)); got != "a&lt;b" {
		t.Errorf("xmp: %s, want a&lt;b", got)
	}
}

// hashOf is the first half of SHA-256 of the parts, each followed by a
// zero byte, in hex: stored hashes stay comparable across versions.
func TestHashOf(t *testing.T) {
	tests := []struct {
		parts []string
		input string
	}{
		{nil, ""},
		{[]string{""}, "\x00"},
		{[]string{"a", "bc"}, "a\x00bc\x00"},
		{[]string{"新闻", strings.Repeat("x", 70000)}, "新闻\x00" + strings.Repeat("x", 70000) + "\x00"},
	}
	for _, tt := range tests {
		sum := sha256.Sum256([]byte(tt.input))
		if got, want := hashOf(tt.parts...), hex.EncodeToString(sum[:16]); got != want {
			t.Errorf("hashOf(%d parts) = %s, want %s", len(tt.parts), got, want)
		}
	}
}

// TestHasControls checks hasControls against what stripControls is
// defined to change, rune by rune as strings.ContainsFunc decodes them
// (bytes that are not UTF-8 read as U+FFFD, which is kept): every one- and
// two-rune string of the characters around its byte patterns, and cut and
// invalid sequences.
func TestHasControls(t *testing.T) {
	var strs []string
	for r := rune(0); r < 0x200; r++ {
		for _, b := range []rune{'x', 0x85, 0xFFFE, 0xFFFF, 0xFFFD, 0x10000} {
			strs = append(strs, string(r)+string(b), string(b)+string(r))
		}
	}
	strs = append(strs, "\xc2", "\xc2\x7f", "\xef\xbf", "\xe2\xef\xbf\xbe", "\xff\xc2\x85", "\xef\xbf\xbd", "\xef\xbf\xc0")
	for _, s := range strs {
		if got, want := hasControls(s), strings.ContainsFunc(s, stripped); got != want {
			t.Fatalf("hasControls(%q) = %v, want %v", s, got, want)
		}
	}
}

// stripped reports whether stripControls changes r: its definition, rune
// by rune, for TestHasControls and FuzzHasControls.
func stripped(r rune) bool {
	return r >= 0x80 && r <= 0x9F || r < 0x20 && r != '\t' && r != '\n' && r != '\r' ||
		r == 0x7F || r == 0xFFFE || r == 0xFFFF
}
