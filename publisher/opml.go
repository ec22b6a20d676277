package publisher

import (
	"bytes"
	"net/http"

	"github.com/tributary/tributary/config/opml"
	"github.com/tributary/tributary/config/redact"
)

// serveOPML serves /sources.opml: the http(s) sources as an OPML
// subscription list, for another feed reader. URLs are published as in
// feeds: without user info or query (redact.Public); local files are left
// out.
func (s *Server) serveOPML(w http.ResponseWriter, r *http.Request) {
	sources, err := s.store.Sources(r.Context())
	if err != nil {
		s.log.Error("sources.opml", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	var subs []opml.Subscription
	for _, src := range sources {
		feed := redact.Public(src.URL)
		if feed == "" {
			continue
		}
		subs = append(subs, opml.Subscription{Title: src.DisplayName(), FeedURL: feed, SiteURL: redact.Public(src.SiteURL)})
	}
	var buf bytes.Buffer
	if err := opml.Write(&buf, s.currentSettings().Title+": sources", subs); err != nil {
		s.log.Error("sources.opml", "err", err)
		http.Error(w, "unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/x-opml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
