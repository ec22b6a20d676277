package main

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/aggregator/store"
	"github.com/tributary/tributary/publisher"
)

// metrics are the daemon's Prometheus metrics, in a registry of their own.
type metrics struct {
	registry  *prometheus.Registry
	polls     *prometheus.CounterVec
	fetchTime prometheus.Histogram
	bytes     prometheus.Counter
	entries   *prometheus.CounterVec
	requests  *prometheus.CounterVec
	// byRoute holds the requests counter of each (route, code) seen, so
	// that a request costs a lookup, not a hashing of label values.
	byRoute sync.Map // routeCode → prometheus.Counter
}

type routeCode struct {
	route string
	code  int
}

// newMetrics registers the daemon's metrics: those counted as polls and
// requests happen, and those read at each scrape from the store (sources
// by state, entries stored), the publisher (its render cache) and the
// poller (what its related-entries index holds).
func newMetrics(st *store.Store, pub *publisher.Server, poller *aggregator.Poller, now func() time.Time) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_polls_total", Help: "Polls of sources, by outcome (updated, not_modified, unchanged, failed).",
		}, []string{"outcome"}),
		fetchTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "tributary_poll_duration_seconds", Help: "Time to poll one source: fetch, parse and store.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tributary_fetched_bytes_total", Help: "Bytes of feed bodies read (after decompression).",
		}),
		entries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_entries_written_total", Help: "Entries written by polls: new, updated, and new ones merged as duplicates of another source's.",
		}, []string{"kind"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_http_requests_total", Help: "HTTP requests, by route and status code.",
		}, []string{"path", "code"}),
	}
	sources := prometheus.NewDesc("tributary_sources", "Sources by state: ok, failing (its last poll failed), backing_off (failing and waiting past its schedule), gone (410), never_polled.", []string{"state"}, nil)
	stored := prometheus.NewDesc("tributary_entries", "Entries in the store.", nil, nil)
	cache := prometheus.NewDesc("tributary_render_cache_total", "Answers from rendered bytes (hit) and answers that started a rendering (miss).", []string{"result"}, nil)
	relEntries := prometheus.NewDesc("tributary_related_index_entries", "Entries the related-entries index holds (at most related.index_entries).", nil, nil)
	relTerms := prometheus.NewDesc("tributary_related_index_terms", "Distinct words the related-entries index holds (at most related.index_terms).", nil, nil)
	m.registry.MustRegister(m.polls, m.fetchTime, m.bytes, m.entries, m.requests,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectorFunc{descs: []*prometheus.Desc{sources, stored, cache, relEntries, relTerms}, collect: func(ch chan<- prometheus.Metric) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if report, err := aggregator.SourceReport(ctx, st, now()); err == nil {
				counts := map[string]int{aggregator.StateOK: 0, aggregator.StateFailing: 0, aggregator.StateBackingOff: 0,
					aggregator.StateGone: 0, aggregator.StateNeverPolled: 0}
				for _, s := range report {
					counts[s.State]++
				}
				for state, n := range counts {
					ch <- prometheus.MustNewConstMetric(sources, prometheus.GaugeValue, float64(n), state)
				}
			}
			if n, err := st.CountEntries(ctx); err == nil {
				ch <- prometheus.MustNewConstMetric(stored, prometheus.GaugeValue, float64(n))
			}
			hits, misses := pub.CacheStats()
			ch <- prometheus.MustNewConstMetric(cache, prometheus.CounterValue, float64(hits), "hit")
			ch <- prometheus.MustNewConstMetric(cache, prometheus.CounterValue, float64(misses), "miss")
			entries, terms := poller.RelatedSize()
			ch <- prometheus.MustNewConstMetric(relEntries, prometheus.GaugeValue, float64(entries))
			ch <- prometheus.MustNewConstMetric(relTerms, prometheus.GaugeValue, float64(terms))
		}},
	)
	return m
}

// observePoll counts one poll's result.
func (m *metrics) observePoll(r aggregator.Result) {
	m.polls.WithLabelValues(outcomeLabel(r.Outcome)).Inc()
	m.fetchTime.Observe(r.Duration.Seconds())
	m.bytes.Add(float64(r.Bytes))
	m.entries.WithLabelValues("new").Add(float64(r.Counts.New))
	m.entries.WithLabelValues("updated").Add(float64(r.Counts.Updated))
	m.entries.WithLabelValues("duplicate").Add(float64(r.Counts.Duplicates))
}

func outcomeLabel(o aggregator.Outcome) string {
	switch o {
	case aggregator.Updated:
		return "updated"
	case aggregator.NotModified:
		return "not_modified"
	case aggregator.Unchanged:
		return "unchanged"
	case aggregator.Failed:
		return "failed"
	default:
		return "skipped"
	}
}

// handler serves /metrics.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// instrument counts the requests h answers by the route that took them
// (the ServeMux pattern, so that the label's values are few) and code.
func (m *metrics) instrument(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(rec, r)
		key := routeCode{r.Pattern, rec.code}
		if key.route == "" {
			key.route = "unmatched"
		}
		c, ok := m.byRoute.Load(key)
		if !ok {
			c, _ = m.byRoute.LoadOrStore(key, m.requests.WithLabelValues(key.route, strconv.Itoa(key.code)))
		}
		c.(prometheus.Counter).Inc()
	})
}

// statusRecorder remembers the status code written.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// collectorFunc is a prometheus.Collector made of a function, for values
// read at scrape time.
type collectorFunc struct {
	descs   []*prometheus.Desc
	collect func(chan<- prometheus.Metric)
}

func (c collectorFunc) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c collectorFunc) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }
