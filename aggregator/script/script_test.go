package script

import "testing"

func TestLang(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Salmon return", ""},
		{"长江流域春汛", "zh"},
		{"日本の首相", "ja"},
		{"한국어 뉴스", "ko"},
		{"Google 发布 AI", "zh"},
	}
	for _, tt := range tests {
		if got := Lang(tt.in); got != tt.want {
			t.Errorf("Lang(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, r := range "中かカ한" {
		if !IsCJK(r) {
			t.Errorf("IsCJK(%q) = false", r)
		}
	}
	for _, r := range "aé1,。" {
		if IsCJK(r) {
			t.Errorf("IsCJK(%q) = true", r)
		}
	}
}
