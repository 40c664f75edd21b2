package reconcile

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the reconciler's Prometheus metrics, on their own registry so
// that nothing registered by a dependency leaks into /metrics.
type metrics struct {
	reg         *prometheus.Registry
	duration    *prometheus.HistogramVec
	cycles      *prometheus.CounterVec
	lastSuccess prometheus.Gauge
	releases    *prometheus.GaugeVec
	drift       prometheus.Gauge
	driftTotal  prometheus.Counter
	commit      *prometheus.GaugeVec
	leader      prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "pono_reconcile_cycle_duration_seconds",
			Help:    "Duration of reconcile cycles, by result.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600},
		}, []string{"result"}),
		cycles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pono_reconcile_cycles_total",
			Help: "Reconcile cycles, by result (applied, unchanged, planned, invalid, refused, failed).",
		}, []string{"result"}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "pono_reconcile_last_success_timestamp_seconds",
			Help: "Unix time of the last cycle that ended without error.",
		}),
		releases: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "pono_reconcile_releases",
			Help: "Releases of the platform after the last cycle, by state (unchanged, ok, planned, failed, blocked, kept).",
		}, []string{"state"}),
		drift: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "pono_reconcile_drifted_releases",
			Help: "Releases whose live objects differed from the release in the last cycle.",
		}),
		driftTotal: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pono_reconcile_drift_detected_total",
			Help: "Drifted releases found, summed over cycles.",
		}),
		commit: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "pono_reconcile_commit_info",
			Help: "The commit last attempted and the commit last applied (value 1).",
		}, []string{"kind", "ref", "commit"}),
		leader: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "pono_reconcile_leader",
			Help: "1 while this process is the leader that applies.",
		}),
	}
	m.reg.MustRegister(m.duration, m.cycles, m.lastSuccess, m.releases, m.drift, m.driftTotal, m.commit, m.leader,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// record updates the metrics from one cycle.
func (m *metrics) record(rep *CycleReport, ref string, applied string) {
	m.duration.WithLabelValues(string(rep.Result)).Observe(rep.Duration.Seconds())
	m.cycles.WithLabelValues(string(rep.Result)).Inc()
	if rep.Err == nil {
		m.lastSuccess.Set(float64(rep.Started.Add(rep.Duration).Unix()))
	}
	if rep.Releases != nil {
		m.releases.Reset()
		for _, r := range rep.Releases {
			m.releases.WithLabelValues(r.Outcome).Inc()
		}
	}
	m.drift.Set(float64(len(rep.Drift)))
	m.driftTotal.Add(float64(len(rep.Drift)))
	if rep.Commit.Commit != "" {
		m.commit.DeletePartialMatch(prometheus.Labels{"kind": "attempted"})
		m.commit.WithLabelValues("attempted", ref, rep.Commit.Commit).Set(1)
	}
	if applied != "" {
		m.commit.DeletePartialMatch(prometheus.Labels{"kind": "applied"})
		m.commit.WithLabelValues("applied", ref, applied).Set(1)
	}
}
