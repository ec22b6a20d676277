package aggregator

import (
	"github.com/tributary/tributary/config"
)

// ReloadChanges compares the sources of a running config with those of
// the config replacing it: added are the sources next has and prev has not
// (by URL: a source whose URL changed is a new one), reparse those whose
// parsing settings (encoding, timezone) changed, so that their feeds must
// be read again rather than answered from validators. A reload polls both
// at once and leaves the others to their schedule.
func ReloadChanges(prev, next *config.Config) (added, reparse []string) {
	old := map[string]config.Source{}
	for _, s := range prev.Sources {
		old[s.URL] = s
	}
	for _, s := range next.Sources {
		o, ok := old[s.URL]
		switch {
		case !ok:
			added = append(added, s.URL)
		case o.Encoding != s.Encoding || zoneName(o) != zoneName(s) || o.Location != s.Location:
			reparse = append(reparse, s.URL)
		}
	}
	return added, reparse
}

// zoneName is the zone a source's undated-zone dates are read in.
func zoneName(s config.Source) string {
	if s.Zone != nil {
		return s.Zone.String()
	}
	return s.Timezone
}
