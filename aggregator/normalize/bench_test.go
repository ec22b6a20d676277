package normalize

import (
	"net/url"
	"strings"
	"testing"
)

// benchHTML is a post as feeds write them: paragraphs, links, emphasis, an
// image, in English and Chinese.
var benchHTML = strings.Repeat(`<p>The <a href="https://example.com/a?x=1" title="t">river authority</a> said on <em>Tuesday</em> that the new fish ladder had carried <strong>4,000</strong> salmon upstream.</p><p>河流管理局周二表示，新建的鱼梯在第一个月里已将四千多条鲑鱼送往上游。<img src="https://example.com/i.png" alt="鱼梯"></p>`, 4)

func BenchmarkPlainText(b *testing.B) {
	b.SetBytes(int64(len(benchHTML)))
	for b.Loop() {
		PlainText(benchHTML)
	}
}

// BenchmarkContent is the work done on each entry's content: links made
// absolute, sanitised, read as plain text.
func BenchmarkContent(b *testing.B) {
	n := New()
	base, _ := url.Parse("https://example.com/news/1")
	b.SetBytes(int64(len(benchHTML)))
	b.ReportAllocs()
	for b.Loop() {
		sanitizedText(sanitize(n.policy, absolutize(benchHTML, base)))
	}
}

// BenchmarkSanitizedText reads the plain text of a sanitised post.
func BenchmarkSanitizedText(b *testing.B) {
	n := New()
	base, _ := url.Parse("https://example.com/news/1")
	clean := sanitize(n.policy, absolutize(benchHTML, base))
	b.SetBytes(int64(len(clean)))
	b.ReportAllocs()
	for b.Loop() {
		sanitizedText(clean)
	}
}
