package publisher_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/publisher"
)

// With language zh and timezone Asia/Shanghai the page speaks Chinese and
// prints times in Shanghai; the feeds carry the language and their own
// words in the content are Chinese too.
func TestChinesePageAndTimezone(t *testing.T) {
	s, _ := siteOf(t, linklessFeed)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	pub := publisher.New(s.store, s.poller, publisher.Settings{Title: "水利新闻", BaseURL: "https://news.example.org/", ItemsPerFeed: 50,
		RelatedMax: 5, RelatedInContent: true, Language: "zh-CN", Location: shanghai},
		func() time.Time { return s.now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	get := func(path string) string {
		rec := httptest.NewRecorder()
		pub.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Body.String()
	}
	page := get("/")
	for _, want := range []string{`<html lang="zh-CN">`, "订阅:", "收录于", "相关文章", "由 Tributary 转载",
		// Sun, 01 Nov 2026 11:00:00 GMT is 19:00 in Shanghai.
		`datetime="2026-11-01T19:00:00&#43;08:00">2026-11-01 19:00 CST</time>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, english := range []string{"Subscribe", "Related", ">seen", "UTC"} {
		if strings.Contains(page, english) {
			t.Errorf("the Chinese page still says %q", english)
		}
	}
	if atom := get("/feed.atom"); !strings.Contains(atom, `xml:lang="zh-CN"`) || !strings.Contains(atom, "相关文章:") {
		t.Errorf("the Atom feed lacks xml:lang or Chinese words:\n%.600s", atom)
	}
}
