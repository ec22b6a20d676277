package publisher

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"

	"github.com/gorilla/feeds"

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
	set := s.currentSettings()
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

// serveSourceEvents serves /sources.atom: an entry when a source starts
// failing, recovers or is gone, so that an operator can follow the daemon
// in a feed reader. It is written with the same Atom types as the feeds.
func (s *Server) serveSourceEvents(w http.ResponseWriter, r *http.Request) {
	events, err := s.store.SourceEvents(r.Context(), 100)
	if err != nil {
		s.log.Error("sources.atom", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	set := s.currentSettings()
	page := set.BaseURL + "sources"
	updated := s.started
	var entries []*atomEntry
	for _, ev := range events {
		name := ev.Source.DisplayName()
		var title, text string
		switch ev.Kind {
		case "failing":
			title, text = name+" is failing", "Polling "+name+" failed: "+ev.Detail
		case "recovered":
			title, text = name+" recovered", name+" is polled again. It had failed with: "+ev.Detail
		case "gone":
			title, text = name+" is gone", name+" answered 410 Gone: it is polled weekly from now on; remove it from the config."
		default:
			continue
		}
		if ev.At.After(updated) {
			updated = ev.At
		}
		entries = append(entries, &atomEntry{
			AtomEntry: feeds.AtomEntry{
				Title: title, Id: fmt.Sprintf("%s#event-%d", page, ev.ID),
				Updated: atomTime(ev.At), Published: atomTime(ev.At),
				Content: &feeds.AtomContent{Content: text, Type: "text"},
			},
			Links: []atomLink{{Href: page, Rel: "alternate", Type: "text/html"}},
		})
	}
	body, err := marshalXML(atomFeed{
		AtomFeed: feeds.AtomFeed{Xmlns: atomNS, Title: set.Title + ": sources", Id: page + ".atom", Updated: atomTime(updated),
			Author: &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: set.Title}}},
		Links: []atomLink{
			{Href: page + ".atom", Rel: "self", Type: "application/atom+xml"},
			{Href: page, Rel: "alternate", Type: "text/html"},
		},
		Entries: entries,
		Lang:    set.Language,
	})
	if err != nil {
		s.log.Error("sources.atom", "err", err)
		http.Error(w, "unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}
