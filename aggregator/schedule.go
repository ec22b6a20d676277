package aggregator

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tributary/tributary/config"
)

// Targets returns the sources of cfg with the settings that apply to each.
func Targets(cfg *config.Config) []Target {
	cats := NewCategories(cfg)
	out := make([]Target, len(cfg.Sources))
	for i, s := range cfg.Sources {
		out[i] = Target{Source: s, FutureDates: cfg.SourceFutureDates(s), Categories: cats,
			MaxItems: cfg.Fetch.MaxItems, MaxEntries: cfg.MaxPerSource}
	}
	return out
}

// Scheduler polls the sources of one config on their cron schedules: all of
// them once at start, then each group of sources sharing a schedule on that
// schedule. A reload replaces the Scheduler.
type Scheduler struct {
	cron      *cron.Cron
	poller    *Poller
	all       []Target
	retention time.Duration
	keep      int
	log       *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// starting is set while the start-up cycle runs: it polls every
	// source, so a tick that falls meanwhile would fetch them twice.
	starting atomic.Bool
	onCycle  func(CycleCounts)
}

// CycleCounts sums up one poll cycle.
type CycleCounts struct {
	Sources, Updated, Unchanged, Failed, Skipped int
	Took                                         time.Duration
}

// NewScheduler prepares the schedule of cfg. Nothing runs before Start.
func NewScheduler(cfg *config.Config, p *Poller, log *slog.Logger) (*Scheduler, error) {
	logger := cronLogger{log}
	c := cron.New(
		cron.WithLocation(cfg.Location),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)),
		cron.WithLogger(logger),
	)
	ctx, cancel := context.WithCancel(context.Background())
	s := &Scheduler{cron: c, poller: p, all: Targets(cfg), retention: cfg.Retention.Std(), keep: cfg.KeepPerSource,
		log: log, ctx: ctx, cancel: cancel}

	groups := map[string][]Target{}
	var specs []string
	for _, t := range s.all {
		spec := cfg.SourceSchedule(t.Source)
		if _, ok := groups[spec]; !ok {
			specs = append(specs, spec)
		}
		groups[spec] = append(groups[spec], t)
	}
	for _, spec := range specs {
		sched, err := config.ParseSchedule(spec, cfg.Location)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("schedule: %w", err)
		}
		targets := groups[spec]
		c.Schedule(sched, cron.FuncJob(func() { s.tick(targets) }))
	}
	daily, _ := config.ParseSchedule("@daily", cfg.Location)
	c.Schedule(daily, cron.FuncJob(s.prune))
	return s, nil
}

// OnCycle sets a function called after each poll cycle. Call it before
// Start.
func (s *Scheduler) OnCycle(fn func(CycleCounts)) { s.onCycle = fn }

// Alive reports an error when the scheduler's loop does not answer within
// ctx: it is stuck, and no source will be polled again.
func (s *Scheduler) Alive(ctx context.Context) error {
	answered := make(chan struct{})
	go func() {
		s.cron.Entries() // answered by the cron loop itself while it runs
		close(answered)
	}()
	select {
	case <-answered:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("the scheduler does not answer: %w", ctx.Err())
	}
}

// Start prunes old entries and polls every source once, in the background,
// and starts the schedule.
func (s *Scheduler) Start() {
	s.starting.Store(true)
	s.wg.Go(func() {
		defer s.starting.Store(false)
		s.prune()
		s.cycle(s.all)
	})
	s.cron.Start()
}

// tick runs the cycle of a schedule's sources, unless the start-up cycle,
// which polls them all, is still running. (A group's own ticks never
// overlap: cron.SkipIfStillRunning.)
func (s *Scheduler) tick(targets []Target) {
	if s.starting.Load() {
		s.log.Debug("tick skipped: the start-up cycle is still running", "sources", len(targets))
		return
	}
	s.cycle(targets)
}

// prune applies the retention policy, and forgets old tombstones;
// retention 0 keeps entries of any age (max_per_source still bounds each
// source).
func (s *Scheduler) prune() {
	if s.ctx.Err() != nil {
		return
	}
	if s.retention > 0 {
		s.poller.Prune(s.ctx, s.retention, s.keep)
	}
	s.poller.PruneTombstones(s.ctx, s.retention)
}

// StartReloaded starts the schedule of a config that replaces a running
// one: only the sources of urls (added, or whose parsing changed) are
// polled at once; the others wait for their schedule.
func (s *Scheduler) StartReloaded(urls []string) {
	s.PollNow(urls)
	s.cron.Start()
}

// PollNow polls the sources of urls that this scheduler has, in the
// background.
func (s *Scheduler) PollNow(urls []string) {
	var targets []Target
	for _, t := range s.all {
		if slices.Contains(urls, t.Source.URL) {
			targets = append(targets, t)
		}
	}
	if len(targets) == 0 {
		return
	}
	s.wg.Go(func() { s.cycle(targets) })
}

// Stop stops the schedule, cancels the fetches in flight and waits for the
// polls in progress to finish their writes.
func (s *Scheduler) Stop() {
	s.cancel()
	<-s.cron.Stop().Done()
	s.wg.Wait()
}

// Drain stops the schedule and waits for the polls in progress to finish,
// fetches included (a reload lets them end rather than cancel them).
func (s *Scheduler) Drain() {
	<-s.cron.Stop().Done()
	s.wg.Wait()
	s.cancel()
}

func (s *Scheduler) cycle(targets []Target) {
	if s.ctx.Err() != nil {
		return
	}
	start := time.Now()
	results := s.poller.PollAll(s.ctx, targets, false)
	counts := map[Outcome]int{}
	for _, r := range results {
		counts[r.Outcome]++
	}
	c := CycleCounts{Sources: len(targets), Updated: counts[Updated], Unchanged: counts[NotModified] + counts[Unchanged],
		Failed: counts[Failed], Skipped: counts[Skipped], Took: time.Since(start)}
	s.log.Info("poll cycle", "sources", c.Sources, "updated", c.Updated, "unchanged", c.Unchanged,
		"failed", c.Failed, "skipped", c.Skipped, "ms", c.Took.Milliseconds())
	if s.onCycle != nil {
		s.onCycle(c)
	}
}

// cronLogger routes robfig/cron's messages to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
