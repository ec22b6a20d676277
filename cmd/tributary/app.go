package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/aggregator/fetch"
	"github.com/tributary/tributary/aggregator/store"
	"github.com/tributary/tributary/config"
)

// loadConfig loads the config at path for command cmd and applies the
// command-line overrides. On failure it prints why and returns the exit
// status: 2 for a missing -config, 1 for a bad config.
func loadConfig(cmd, path string, ov overrides, stderr io.Writer) (*config.Config, int) {
	if path == "" {
		fmt.Fprintf(stderr, "%s: -config is required\n", cmd)
		return nil, 2
	}
	cfg, err := config.Load(path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, 1
	}
	ov.apply(cfg)
	return cfg, 0
}

// pipeline is what both `run` and `fetch` need: the store, with the config's
// sources synced into it, and a poller.
type pipeline struct {
	store   *store.Store
	fetcher *fetch.Fetcher
	poller  *aggregator.Poller
}

func openPipeline(ctx context.Context, cfg *config.Config, log *slog.Logger) (*pipeline, error) {
	st, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	if err := st.SyncSources(ctx, sourceConfigs(cfg)); err != nil {
		st.Close()
		return nil, err
	}
	if _, err := aggregator.ApplyCategories(ctx, st, aggregator.NewCategories(cfg), time.Now()); err != nil {
		st.Close()
		return nil, fmt.Errorf("categorise stored entries: %w", err)
	}
	f := fetch.New(fetch.Options{
		Timeout:      cfg.Fetch.Timeout.Std(),
		MaxBodyBytes: cfg.Fetch.MaxBodyBytes,
		MaxRedirects: cfg.Fetch.MaxRedirects,
		UserAgent:    userAgent(cfg.BaseURL),
		AllowPrivate: cfg.Fetch.AllowPrivateNetworks,
	})
	p := aggregator.NewPoller(st, f, aggregator.PollerOptions{
		Now:           time.Now,
		Log:           log,
		Workers:       cfg.Fetch.Workers,
		PerHost:       cfg.Fetch.PerHost,
		DedupWindow:   cfg.Dedup.Window.Std(),
		RelatedWindow: cfg.Related.Window.Std(),
		NoRelated:     cfg.Related.Max == 0,
	})
	if err := p.LoadIndexes(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("load recent entries: %w", err)
	}
	return &pipeline{store: st, fetcher: f, poller: p}, nil
}

func (p *pipeline) Close() error {
	p.fetcher.Close()
	return p.store.Close()
}

func sourceConfigs(cfg *config.Config) []store.SourceConfig {
	out := make([]store.SourceConfig, len(cfg.Sources))
	for i, s := range cfg.Sources {
		out[i] = store.SourceConfig{URL: s.URL, Location: s.Location, Name: s.Name, FutureDates: cfg.SourceFutureDates(s)}
	}
	return out
}
