package categorize

import (
	"regexp"
	"slices"
	"testing"
)

func TestRuleMatch(t *testing.T) {
	e := Entry{Title: "Google releases a new LLM", Content: "The 深度学习 model was trained on TPUs. Sponsored.", Author: "Ada", URL: "https://ai.example/llm", Source: "Tech Daily"}
	tests := []struct {
		name string
		rule Rule
		want bool
	}{
		{"any word, any case", Rule{Any: []string{"llm"}}, true},
		{"word boundary", Rule{Any: []string{"goo"}}, false},
		{"phrase", Rule{Any: []string{"new llm"}}, true},
		{"chinese anywhere", Rule{Any: []string{"深度学习"}}, true},
		{"chinese part", Rule{Any: []string{"学习"}}, true},
		{"all needs all", Rule{All: []string{"google", "nvidia"}}, false},
		{"all", Rule{All: []string{"google", "tpus"}}, true},
		{"fields limit", Rule{Any: []string{"sponsored"}, Fields: []string{FieldTitle}}, false},
		{"author field", Rule{Any: []string{"ada"}, Fields: []string{FieldAuthor}}, true},
		{"source field", Rule{Any: []string{"tech daily"}, Fields: []string{FieldSource}}, true},
		{"url field", Rule{Regex: regexp.MustCompile(`(?i)ai\.example`), Fields: []string{FieldURL}}, true},
		{"regex", Rule{Regex: regexp.MustCompile(`(?i)sponsored`)}, true},
		{"any and regex both needed", Rule{Any: []string{"llm"}, Regex: regexp.MustCompile(`nvidia`)}, false},
		{"empty rule matches nothing", Rule{}, false},
		{"fullwidth folded", Rule{Any: []string{"ＬＬＭ"}}, true},
	}
	for _, tt := range tests {
		if got := tt.rule.Match(e); got != tt.want {
			t.Errorf("%s: Match = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"AI", "ai"},
		{"Machine Learning", "machine-learning"},
		{"  C++ & Go!  ", "c-go"},
		{"人工智能", "人工智能"},
		{"Ｔｅｃｈ", "tech"},
		{"Straße", "strasse"},
		{"---", ""},
	}
	for _, tt := range tests {
		if got := Slug(tt.in); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCategories(t *testing.T) {
	c := New(map[string]string{"AI": "ai", "人工智能": "ai", "Golang": "Go"},
		[]Rule{{Category: "ai", Any: []string{"machine learning", "深度学习"}}, {Category: "Go", Any: []string{"goroutine"}}}, nil, nil)
	e := Entry{Title: "深度学习 on goroutines", Content: "machine learning"}
	got := c.Categories(e, []string{"Tech", "tech"}, []string{"人工智能", "Golang", "News"}, true)
	want := []Category{{"Tech", "tech"}, {"ai", "ai"}, {"Go", "go"}, {"News", "news"}}
	if !slices.Equal(got, want) {
		t.Errorf("Categories = %v, want %v", got, want)
	}
	if got := c.Categories(Entry{Title: "x"}, nil, []string{"News"}, false); len(got) != 0 {
		t.Errorf("feed categories used without use_feed_categories: %v", got)
	}
}

func TestAllowed(t *testing.T) {
	c := New(nil, nil, nil, []Rule{{Regex: regexp.MustCompile(`(?i)sponsored`)}})
	golang := []Rule{{Any: []string{"golang"}}}
	tests := []struct {
		e    Entry
		keep []Rule
		want bool
	}{
		{Entry{Title: "Golang 1.30"}, golang, true},
		{Entry{Title: "Rust 2.0"}, golang, false},
		{Entry{Title: "Rust 2.0"}, nil, true},
		{Entry{Title: "Golang tips", Content: "Sponsored post"}, golang, false},
	}
	for _, tt := range tests {
		if got := c.Allowed(tt.e, tt.keep, nil); got != tt.want {
			t.Errorf("Allowed(%+v) = %v, want %v", tt.e, got, tt.want)
		}
	}
}
