package aggregator

import (
	"context"
	"net/url"
	"sync"
)

// pool bounds concurrent polls, in all and per host, and makes sure a source
// is never polled twice at once.
type pool struct {
	workers int
	perHost int

	mu       sync.Mutex
	inFlight map[string]bool          // source URL → being polled
	hosts    map[string]chan struct{} // host → per-host semaphore
}

func newPool(workers, perHost int) *pool {
	return &pool{workers: workers, perHost: perHost, inFlight: map[string]bool{}, hosts: map[string]chan struct{}{}}
}

// claim marks src as being polled; false means it already is.
func (p *pool) claim(src string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inFlight[src] {
		return false
	}
	p.inFlight[src] = true
	return true
}

func (p *pool) release(src string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.inFlight, src)
}

// hostSlot returns the semaphore of location's host. Local files share one.
func (p *pool) hostSlot(location string) chan struct{} {
	host := ""
	if u, err := url.Parse(location); err == nil {
		host = u.Host
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	sem, ok := p.hosts[host]
	if !ok {
		sem = make(chan struct{}, p.perHost)
		p.hosts[host] = sem
	}
	return sem
}

// PollAll polls targets with the worker pool and returns one result per
// target, in the order given. Unless force is set, a source whose back-off
// has not expired is skipped. A source already being polled is skipped.
//
// The sources that are unchanged (304, or the same body) are recorded
// together, in one transaction, when all have been polled.
func (p *Poller) PollAll(ctx context.Context, targets []Target, force bool) []Result {
	results := make([]Result, len(targets))
	batch := &unchangedBatch{}
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(p.pool.workers, len(targets)) {
		wg.Go(func() {
			for i := range work {
				results[i] = p.pollOne(ctx, targets[i], force, batch)
			}
		})
	}
	for i := range targets {
		work <- i
	}
	close(work)
	wg.Wait()
	// The duplicate keys of the cycle's new entries that still wait in
	// memory are written, so that the database on disk is whole between
	// cycles; if that fails they wait on (and a restart makes them again).
	if err := p.store.FlushKeys(context.WithoutCancel(ctx)); err != nil {
		p.log.Error("write duplicate keys", "err", err)
	}
	p.recordUnreachable(ctx, batch, results, targets)
	if len(batch.polls) > 0 {
		if err := p.store.RecordUnchangedAll(context.WithoutCancel(ctx), batch.polls); err != nil {
			p.log.Error("record unchanged polls", "sources", len(batch.polls), "err", err)
			for i := range results {
				if results[i].Outcome == NotModified || results[i].Outcome == Unchanged {
					results[i] = Result{Source: results[i].Source, Outcome: Failed, Err: err}
				}
			}
		}
	}
	return results
}
