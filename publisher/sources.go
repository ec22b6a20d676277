package publisher

import (
	"encoding/json"
	"html/template"
	"net/http"

	"github.com/tributary/tributary/aggregator"
)

func parseSourcesPage() *template.Template {
	return template.Must(template.ParseFS(web, "web/sources.html"))
}

// SetReloadRefused says that the last reload of the config was refused
// (reason is shown publicly: it must not quote the config), or "" once one
// is applied: /healthz and /sources report it.
func (s *Server) SetReloadRefused(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reloadRefused = reason
}

func (s *Server) reloadRefusal() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reloadRefused
}

// sourcesSummary is /sources.json and the data of /sources.
type sourcesSummary struct {
	Total         int                       `json:"total"`
	OK            int                       `json:"ok"`
	Failing       int                       `json:"failing"`
	BackingOff    int                       `json:"backing_off"`
	NeverPolled   int                       `json:"never_polled"`
	Gone          int                       `json:"gone"`
	ReloadRefused string                    `json:"reload_refused,omitempty"`
	Sources       []aggregator.SourceStatus `json:"sources"`

	Lang, Title, Base string `json:"-"`
}

func (s *Server) sourcesSummary(r *http.Request) (*sourcesSummary, error) {
	report, err := aggregator.SourceReport(r.Context(), s.store, s.now())
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	set := s.settings
	s.mu.Unlock()
	sum := &sourcesSummary{Total: len(report), ReloadRefused: s.reloadRefusal(), Sources: report,
		Lang: set.Language, Title: set.Title, Base: set.BaseURL}
	for _, src := range report {
		switch src.State {
		case aggregator.StateOK:
			sum.OK++
		case aggregator.StateFailing:
			sum.Failing++
		case aggregator.StateBackingOff:
			sum.BackingOff++
		case aggregator.StateNeverPolled:
			sum.NeverPolled++
		case aggregator.StateGone:
			sum.Gone++
		}
	}
	return sum, nil
}

// serveSources serves /sources.json, or the /sources page: every source
// with its state, last success, last error, next poll and entries.
func (s *Server) serveSources(w http.ResponseWriter, r *http.Request, asJSON bool) {
	sum, err := s.sourcesSummary(r)
	if err != nil {
		s.log.Error("sources", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if asJSON {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(sum)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.sourcesPage.Execute(w, sum); err != nil {
		s.log.Error("sources page", "err", err)
	}
}
