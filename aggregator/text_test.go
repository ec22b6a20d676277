package aggregator_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/tributary/tributary/aggregator"
)

func TestChineseFeedsKeepTheirText(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	body := readFeed(t, "header-charset.xml")
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=GBK")
		w.Write(body)
	}))
	defer ts.Close()
	targets := e.sources("gb2312.xml", ts.URL)
	for _, tgt := range targets {
		if r := e.poll(tgt); r.Outcome != aggregator.Updated {
			t.Fatalf("%s: %+v", tgt.Source.URL, r)
		}
	}
	// The GB2312 feed, declared in its XML declaration.
	it := e.itemByTitle("长江流域春汛提前到来")
	if it.Source.Title != "长江新闻" {
		t.Errorf("source title = %q", it.Source.Title)
	}
	if !strings.Contains(it.ContentText, "今年长江流域的春汛比往年提前了两周") {
		t.Errorf("content text = %q", it.ContentText)
	}
	// The feed whose charset only the HTTP header gives.
	it = e.itemByTitle("珠江口红树林面积扩大")
	if it.Source.Title != "珠江快讯" || !strings.Contains(it.ContentText, "红树林保护区") {
		t.Errorf("header-charset feed: source %q, text %q", it.Source.Title, it.ContentText)
	}
}

func TestScriptsAndEventHandlersAreRemoved(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	e.poll(e.sources("unsafe.xml")[0])
	it := e.itemByTitle("Rapids safety guide")
	for _, bad := range []string{"<script", "document.cookie", "onerror", "onclick", "javascript:", "<iframe", "evil.example"} {
		if strings.Contains(it.ContentHTML, bad) {
			t.Errorf("stored content contains %q: %s", bad, it.ContentHTML)
		}
	}
	if !strings.Contains(it.ContentHTML, "Always wear a helmet.") || !strings.Contains(it.ContentHTML, `src="https://unsafe.example.org/img/rapids.png"`) {
		t.Errorf("safe content lost or links not absolute: %s", it.ContentHTML)
	}
}

func TestSourceEncodingAndTimezoneOverrides(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	// The declaration says UTF-8 but the bytes are GBK; the date has no zone.
	doc := `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>谎报编码</title><link>https://liar.example/</link><description>x</description>` +
		`<item><title>编码声明是错的</title><link>https://liar.example/1</link><pubDate>2026年03月01日 09:30</pubDate><description>正文</description></item></channel></rss>`
	body, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer ts.Close()
	target := e.sources(ts.URL)[0]
	target.Source.Encoding = "gbk"
	target.Source.Zone, _ = time.LoadLocation("Asia/Shanghai")
	if r := e.poll(target); r.Outcome != aggregator.Updated {
		t.Fatalf("poll: %+v", r)
	}
	it := e.itemByTitle("编码声明是错的")
	if want := time.Date(2026, 3, 1, 1, 30, 0, 0, time.UTC); !it.Published.Equal(want) {
		t.Errorf("published %v, want %v (09:30 in Shanghai)", it.Published, want)
	}
}
