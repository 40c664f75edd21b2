package taskrun

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// MemorySample is a container's memory use at one moment.
type MemorySample struct {
	// CurrentBytes is the use now; PeakBytes the highest use so far.
	CurrentBytes int64 `json:"current_bytes"`
	PeakBytes    int64 `json:"peak_bytes"`
	// LimitBytes is the container's memory limit (0: none).
	LimitBytes int64 `json:"limit_bytes,omitempty"`
	// Source says where the numbers come from: the cgroup's own peak
	// counter (memory.peak, memory.max_usage_in_bytes), which sees every
	// spike, or the engine's stats sampled every interval, which can miss
	// a short one.
	Source string `json:"source"`
}

// ErrMonitorMode is returned when memory is monitored outside docker mode
// (Kaapana's monitor is docker-only too: a pod's cgroup is on its node).
var ErrMonitorMode = errors.New("--monitor-memory needs docker mode: a pod's memory is measured on its node, not here")

// MonitorMemory samples the run's container every interval until it stops
// (or ctx ends) and returns the last sample, whose PeakBytes is the peak.
// Like Kaapana's monitor_memory it reads the container's cgroup on this
// host (via /proc/<pid>/cgroup) when it can: the kernel's peak counter sees
// every spike. Otherwise it takes the engine's stats (the peak is then the
// highest sample). onSample, if not nil, gets every sample.
func (r *Runner) MonitorMemory(ctx context.Context, rec *Record, interval time.Duration, onSample func(MemorySample)) (MemorySample, error) {
	var last MemorySample
	if rec.Mode != ModeDocker {
		return last, ErrMonitorMode
	}
	c, err := r.dockerFor(rec)
	if err != nil {
		return last, err
	}
	for {
		st, err := c.Inspect(ctx, rec.ID)
		if err != nil {
			return last, err
		}
		if !st.Running && st.Status != "created" {
			return last, nil
		}
		s, ok := cgroupMemory(st.Pid)
		if !ok {
			m, err := c.Memory(ctx, rec.ID)
			if err != nil {
				return last, err
			}
			s = MemorySample{CurrentBytes: int64(m.Usage), PeakBytes: int64(max(m.Usage, m.MaxUsage)), Source: "engine stats"}
		}
		if st.Running {
			s.LimitBytes = st.MemoryBytes
			s.PeakBytes = max(s.PeakBytes, last.PeakBytes)
			last = s
			if onSample != nil {
				onSample(s)
			}
		}
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-time.After(interval):
		}
	}
}

// cgroupRoot is where the host's cgroup filesystem is mounted.
var cgroupRoot = "/sys/fs/cgroup"

// cgroupMemory reads the current and peak memory of the cgroup of pid:
// cgroup v2 memory.current/memory.peak, or cgroup v1
// memory.usage_in_bytes/memory.max_usage_in_bytes.
func cgroupMemory(pid int) (MemorySample, bool) {
	if pid <= 0 {
		return MemorySample{}, false
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		return MemorySample{}, false
	}
	defer f.Close()
	var v1, v2 string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			v2 = parts[2]
		case strings.Contains(","+parts[1]+",", ",memory,"):
			v1 = parts[2]
		}
	}
	if v1 != "" {
		dir := filepath.Join(cgroupRoot, "memory", v1)
		cur, ok1 := readInt(filepath.Join(dir, "memory.usage_in_bytes"))
		peak, ok2 := readInt(filepath.Join(dir, "memory.max_usage_in_bytes"))
		if ok1 && ok2 {
			return MemorySample{CurrentBytes: cur, PeakBytes: peak, Source: "cgroup v1 memory.max_usage_in_bytes"}, true
		}
	}
	if v2 != "" {
		dir := filepath.Join(cgroupRoot, v2)
		cur, ok1 := readInt(filepath.Join(dir, "memory.current"))
		peak, ok2 := readInt(filepath.Join(dir, "memory.peak"))
		if ok1 && ok2 {
			return MemorySample{CurrentBytes: cur, PeakBytes: peak, Source: "cgroup memory.peak"}, true
		}
	}
	return MemorySample{}, false
}

func readInt(file string) (int64, bool) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n, err == nil
}
