package publisher

import "strings"

// messages are the page's and the content's own words, in one language.
type messages struct {
	Subscribe, All, Categories, Seen, Related, AlsoFrom, NoEntries, Footer, Older, Newest string
}

// messageTable holds the words for each language the page speaks; others
// get English.
var messageTable = map[string]messages{
	"en": {
		Subscribe: "Subscribe", All: "All", Categories: "Categories", Seen: "seen", Related: "Related",
		AlsoFrom: "Also from", NoEntries: "No entries yet.", Footer: "Republished by Tributary. Each entry links to its original.",
		Older: "Older entries", Newest: "Newest entries",
	},
	"zh": {
		Subscribe: "订阅", All: "全部", Categories: "分类", Seen: "收录于", Related: "相关文章",
		AlsoFrom: "另见", NoEntries: "暂无文章。", Footer: "由 Tributary 转载，每篇文章均链接至原文。",
		Older: "更早的文章", Newest: "最新文章",
	},
}

// messagesFor returns the words for a language tag: zh, zh-CN, zh-Hans…
// take Chinese (simplified), anything else English.
func messagesFor(lang string) messages {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	if m, ok := messageTable[base]; ok {
		return m
	}
	return messageTable["en"]
}
