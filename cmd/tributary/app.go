package main

import (
	"context"
	"errors"
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

// pipeline is what `run`, `fetch` and `export` need: the store, with the
// config's sources synced into it, and a poller whose duplicate index is
// ready. The related index is not loaded: `run` loads it while it serves,
// `export` before it renders, and `fetch` needs none.
type pipeline struct {
	store   *store.Store
	fetcher *fetch.Fetcher
	poller  *aggregator.Poller
	lock    *store.Lock // nil when another process holds it (export only)
}

// access says whether a command must own the database.
type access int

const (
	// exclusive: the command writes (run, fetch). It is refused while
	// another process holds the database's lock, so two pollers never
	// fight over one database.
	exclusive access = iota
	// readOnly: the command only reads (export). When a daemon holds the
	// lock it reads the database as the daemon keeps it, without syncing
	// this config's sources into it.
	readOnly
	// daemonMode: exclusive, but the caller readies the duplicate index
	// (Poller.PrepareDuplicates) itself, once it serves the feeds: on a
	// database whose sketches must be made again that takes a while.
	daemonMode
)

func openPipeline(ctx context.Context, cfg *config.Config, log *slog.Logger, mode access) (*pipeline, error) {
	lock, err := store.Acquire(cfg.Database)
	if err != nil && (mode != readOnly || !errors.Is(err, store.ErrLocked)) {
		return nil, err
	}
	budget := 0 // export renders once, with every entry's related entries
	if mode != readOnly {
		budget = hintBudget
	}
	p, err := openLocked(ctx, cfg, log, lock != nil, budget)
	if err == nil && mode != daemonMode {
		if err = p.poller.PrepareDuplicates(ctx); err != nil {
			p.store.Close()
			err = fmt.Errorf("prepare the duplicate index: %w", err)
		}
	}
	if err != nil {
		lock.Release()
		return nil, err
	}
	p.lock = lock
	return p, nil
}

// hintBudget is how many entries' related entries the daemon computes per
// rendering (a few milliseconds each): a render during an ingest stays
// cheap, and the next renderings compute the rest.
const hintBudget = 8

// openLocked opens the store and the poller; sync says whether the config's
// sources and categories may be written into the store; budget is the
// poller's HintBudget.
func openLocked(ctx context.Context, cfg *config.Config, log *slog.Logger, sync bool, budget int) (*pipeline, error) {
	st, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	if sync {
		if err := st.SyncSources(ctx, sourceConfigs(cfg)); err != nil {
			st.Close()
			return nil, err
		}
		if _, err := aggregator.ApplyCategories(ctx, st, aggregator.NewCategories(cfg), time.Now()); err != nil {
			st.Close()
			return nil, fmt.Errorf("categorise stored entries: %w", err)
		}
	}
	f := fetch.New(fetch.Options{
		Timeout:      cfg.Fetch.Timeout.Std(),
		MaxBodyBytes: cfg.Fetch.MaxBodyBytes,
		MaxRedirects: cfg.Fetch.MaxRedirects,
		UserAgent:    userAgent(),
		AllowPrivate: cfg.Fetch.AllowPrivateNetworks,
		PerHost:      cfg.Fetch.PerHost,
	})
	p := aggregator.NewPoller(st, f, aggregator.PollerOptions{
		Now:           time.Now,
		Log:           log,
		Workers:       cfg.Fetch.Workers,
		PerHost:       cfg.Fetch.PerHost,
		DedupWindow:   cfg.Dedup.Window.Std(),
		RelatedWindow: cfg.Related.Window.Std(),
		NoRelated:     cfg.Related.Max == 0,

		RelatedEntries: cfg.Related.IndexEntries,
		RelatedTerms:   cfg.Related.IndexTerms,
		HintsReadOnly:  !sync,
		HintBudget:     budget,
	})
	return &pipeline{store: st, fetcher: f, poller: p}, nil
}

func (p *pipeline) Close() error {
	p.fetcher.Close()
	err := p.store.Close()
	p.lock.Release() // after the last write
	return err
}

func sourceConfigs(cfg *config.Config) []store.SourceConfig {
	out := make([]store.SourceConfig, len(cfg.Sources))
	for i, s := range cfg.Sources {
		out[i] = store.SourceConfig{URL: s.URL, Location: s.Location, Name: s.Name, FutureDates: cfg.SourceFutureDates(s)}
	}
	return out
}
