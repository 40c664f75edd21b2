#!/usr/bin/env python3
"""peakrss.py OUT CMD [ARG...]: runs CMD and writes "SECONDS PEAK_KIB" to OUT.

PEAK_KIB is the peak of the summed resident memory of CMD and all its
descendants (helmfile's helm children, kubectl's plugins), sampled every
100 ms from /proc, and never below the largest single process's own peak
(getrusage of the children), which catches a short-lived child the
sampler missed. Used by bench-peers.sh; exits with CMD's exit status.
"""

import os
import resource
import subprocess
import sys
import time


def children():
    """Maps each pid to its parent pid, for every process we can read."""
    parents = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces.
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(name)] = int(fields[1])
    return parents


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss(root):
    parents = children()
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == p and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(rss_kib(p) for p in tree)


def main():
    if len(sys.argv) < 3:
        print("usage: peakrss.py OUT CMD [ARG...]", file=sys.stderr)
        return 2
    out, cmd = sys.argv[1], sys.argv[2:]
    start = time.monotonic()
    proc = subprocess.Popen(cmd)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.1)
    secs = time.monotonic() - start
    peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    with open(out, "w") as f:
        f.write(f"{secs:.2f} {peak}\n")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
