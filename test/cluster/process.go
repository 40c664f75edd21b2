package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is one control-plane component. It is either a child of this
// process (cmd and exited set) or found again through its pid file by a
// later process (clusterctl down), in which case only pid is known.
type process struct {
	name    string
	pid     int
	pidFile string
	logFile string

	// Set only for children of this process.
	bin     string
	args    []string
	exited  chan struct{} // closed once the process has been reaped
	waitErr error         // valid after exited is closed
}

// startProcess runs bin with args in its own process group, output to
// logDir/name.log, and records its pid in runDir/name.pid.
func startProcess(name, bin string, args []string, dir, logDir, runDir string, detach bool) (*process, error) {
	logFile := filepath.Join(logDir, name+".log")
	out, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open log of %s: %w", name, err)
	}
	defer out.Close() // the child has its own descriptor

	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout = out
	cmd.Stderr = out
	if detach {
		// A new session: no controlling terminal, so closing the shell that
		// ran `make cluster-up` does not SIGHUP the cluster.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	} else {
		// Own process group so Stop can signal the whole group; Pdeathsig so
		// a test binary that crashes or times out takes the cluster with it.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{
		name:    name,
		pid:     cmd.Process.Pid,
		pidFile: filepath.Join(runDir, name+".pid"),
		logFile: logFile,
		bin:     bin,
		args:    args,
		exited:  make(chan struct{}),
	}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	if err := os.WriteFile(p.pidFile, []byte(strconv.Itoa(p.pid)+"\n"), 0o644); err != nil {
		_ = syscall.Kill(-p.pid, syscall.SIGKILL)
		return nil, fmt.Errorf("write pid file of %s: %w", name, err)
	}
	return p, nil
}

// readProcess finds a component again from its pid file. It returns nil
// when there is no pid file, or when the pid now belongs to some other
// program (the component died and the pid was reused).
func readProcess(name, runDir, logDir string) (*process, error) {
	pidFile := filepath.Join(runDir, name+".pid")
	b, err := os.ReadFile(pidFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read pid file of %s: %w", name, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return nil, fmt.Errorf("pid file %s: bad pid %q", pidFile, b)
	}
	p := &process{name: name, pid: pid, pidFile: pidFile, logFile: filepath.Join(logDir, name+".log")}
	if !p.isOurs() {
		_ = os.Remove(pidFile)
		return nil, nil
	}
	return p, nil
}

// isOurs reports whether pid is alive and still runs the component's binary,
// so a stale pid file never gets an unrelated process killed.
func (p *process) isOurs() bool {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", p.pid))
	if err != nil {
		return false // gone, or a zombie
	}
	return filepath.Base(strings.TrimSuffix(exe, " (deleted)")) == p.name
}

// alive reports whether the process still runs (a zombie does not).
func (p *process) alive() bool {
	if p.exited != nil {
		select {
		case <-p.exited:
			return false
		default:
			return true
		}
	}
	return p.isOurs()
}

// signalGroup signals the process group, which the process leads (Setpgid or
// Setsid), so anything it spawned goes too.
func (p *process) signalGroup(sig syscall.Signal) {
	if err := syscall.Kill(-p.pid, sig); errors.Is(err, syscall.ESRCH) {
		// Not a group leader after all; fall back to the process itself.
		_ = syscall.Kill(p.pid, sig)
	}
}

// groupGone reports whether no live process of the group is left. Zombies
// do not count: a detached component is reaped by init, which may take its
// time, and a zombie holds no port, memory or file.
func (p *process) groupGone() bool {
	if errors.Is(syscall.Kill(-p.pid, 0), syscall.ESRCH) {
		return true
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return false
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		state, pgrp, ok := procStat(pid)
		if ok && pgrp == p.pid && state != 'Z' {
			return false
		}
	}
	return true
}

// procStat reads a process's state and process group from /proc/PID/stat.
func procStat(pid int) (state byte, pgrp int, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	// "pid (comm) state ppid pgrp ...": comm may hold spaces and
	// parentheses, so parse from the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 3 {
		return 0, 0, false
	}
	pgrp, err = strconv.Atoi(f[2])
	if err != nil {
		return 0, 0, false
	}
	return f[0][0], pgrp, true
}

// stopProcesses sends SIGTERM to every group, waits up to grace for them to
// exit, then SIGKILLs what is left. The clients (kwok, scheduler,
// controller-manager) exit within milliseconds; etcd and the API server
// drain connections for 5 s and more. Their state is thrown away anyway, so
// a short grace just gives everyone a chance to flush its log.
func stopProcesses(procs []*process, grace time.Duration) error {
	for i := len(procs) - 1; i >= 0; i-- {
		if procs[i].alive() {
			procs[i].signalGroup(syscall.SIGTERM)
		}
	}
	deadline := time.Now().Add(grace)
	for _, p := range procs {
		for p.alive() && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	var errs []error
	for _, p := range procs {
		if p.alive() || !p.groupGone() {
			p.signalGroup(syscall.SIGKILL)
		}
		if !waitGone(p, 10*time.Second) {
			errs = append(errs, fmt.Errorf("%s (pid %d) survived SIGKILL", p.name, p.pid))
			continue
		}
		if err := os.Remove(p.pidFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove pid file of %s: %w", p.name, err))
		}
	}
	return errors.Join(errs...)
}

// waitGone waits until the process has exited (and, for a child, has been
// reaped) and its group is empty.
func waitGone(p *process, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		if !p.alive() && p.groupGone() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// exitError describes a child that exited while it should be running, with
// the end of its log, which nearly always names the cause.
func (p *process) exitError() error {
	return fmt.Errorf("%s exited (%v); log %s ends with:\n%s", p.name, p.waitErr, p.logFile, tail(p.logFile, 15))
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read: %v)", err)
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "\t" + string(bytes.Join(lines, []byte("\n\t")))
}
