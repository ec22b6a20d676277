package normalize

import (
	"net/url"
	"testing"
)

func TestCanonicalURL(t *testing.T) {
	base, _ := url.Parse("https://Blog.Example.com/feeds/all.xml")
	tests := []struct {
		in, want string
	}{
		{"https://blog.example.com/a", "https://blog.example.com/a"},
		{"HTTPS://BLOG.Example.COM:443/Path/X", "https://blog.example.com/Path/X"},
		{"http://example.com:80", "http://example.com/"},
		{"http://example.com:8080/a", "http://example.com:8080/a"},
		{"/2024/06/07/post", "https://blog.example.com/2024/06/07/post"},
		{"post.html", "https://blog.example.com/feeds/post.html"},
		{"https://x.example/a#comments", "https://x.example/a"},
		{"https://x.example/a?utm_source=rss&id=3&utm_medium=feed&fbclid=abc&b=1", "https://x.example/a?id=3&b=1"},
		{"https://x.example/a?z=1&a=2", "https://x.example/a?z=1&a=2"},
		{"https://x.example/a?gclid=1&spm=a.b&mc_cid=x&mc_eid=y", "https://x.example/a"},
		{"https://x.example/a?UTM_Campaign=x&q=%E4%B8%AD", "https://x.example/a?q=%E4%B8%AD"},
		{"https://user:pw@x.example/a", "https://x.example/a"},
		{"  https://x.example/a  ", "https://x.example/a"},
		{"javascript:alert(1)", ""},
		{"mailto:a@example.com", ""},
		{"ftp://x.example/file", ""},
		{"", ""},
		{"http://[::1]:80/a", "http://[::1]/a"},
		{"https://x.example/%7euser/%41b%2fc", "https://x.example/~user/Ab%2Fc"},
		{"https://x.example/a%20b?q=%e4%b8%ad&r=%41", "https://x.example/a%20b?q=%E4%B8%AD&r=A"},
		{"https://x.example/中文", "https://x.example/%E4%B8%AD%E6%96%87"},
	}
	for _, tt := range tests {
		if got := CanonicalURL(tt.in, base); got != tt.want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanLinkKeepsFragment(t *testing.T) {
	base, _ := url.Parse("https://x.example/posts/1")
	if got := CleanLink("#fn1", base); got != "https://x.example/posts/1#fn1" {
		t.Errorf("CleanLink(#fn1) = %q", got)
	}
	if got := CleanLink("/b?utm_source=x&id=2#top", base); got != "https://x.example/b?id=2#top" {
		t.Errorf("CleanLink = %q", got)
	}
}

func TestRemoveDotSegments(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/a/b", "/a/b"},
		{"/dir/.", "/dir/"},
		{"/dir/./x", "/dir/x"},
		{"/a/b/../c", "/a/c"},
		{"/a/..", "/"},
		{"/..", "/"},
		{"/a.b/c.d", "/a.b/c.d"},
		{"/", "/"},
	}
	for _, tt := range tests {
		if got := removeDotSegments(tt.in); got != tt.want {
			t.Errorf("removeDotSegments(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOriginalLink(t *testing.T) {
	base, _ := url.Parse("https://Blog.Example/posts/")
	tests := []struct{ in, want string }{
		{"http://scripting.example/2003/06/25.html#a080631", "http://scripting.example/2003/06/25.html#a080631"},
		{"https://Example.COM/Path/%7Euser/?b=2&utm_source=rss&a=1&fbclid=x#Top", "https://Example.COM/Path/%7Euser/?b=2&a=1#Top"},
		{"https://example.com", "https://example.com"}, // no "/" added
		{"https://alice:pw@example.com/a", "https://example.com/a"},
		{"42.html#c7", "https://Blog.Example/posts/42.html#c7"}, // resolved, the base as given
		{"javascript:alert(1)", ""},
		{"mailto:a@example.com", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := OriginalLink(tt.in, base); got != tt.want {
			t.Errorf("OriginalLink(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
