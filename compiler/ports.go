package compiler

import (
	"fmt"
	"strconv"

	"github.com/pono-gitops/pono/compiler/internal/manifest"
)

// portClaims finds what would break on the cluster although every release
// installs: a NodePort two Services ask for (the API server refuses the
// second, "provided port is already allocated"), a hostPort two pods ask
// for (on Kaapana's single node the second never schedules), and an
// Ingress path two Ingresses route for the same host (the controller
// sends it to only one). Hooks are left out: they live only around an
// event. Claims within one object (a Service exposing one nodePort for TCP
// and UDP, the replicas of one Deployment) are not conflicts.
type portClaims map[string]claim

// claim is who asked first.
type claim struct {
	release, object string
}

// add records rel's claims and returns a message for each one an earlier
// object made. Releases are added in a fixed order, so a message names the
// later object and the earlier one.
func (c portClaims) add(rel Release, objs []manifest.Object, scopes *manifest.Scopes) []string {
	var msgs []string
	for _, o := range objs {
		if o.Hook {
			continue
		}
		ns := scopes.Namespace(o, rel.Namespace)
		id := o.Kind + "/" + o.Name
		if ns != "" {
			id = o.Kind + "/" + ns + "/" + o.Name
		}
		mine := map[string]bool{}
		for _, k := range claimsOf(o) {
			if mine[k.key] {
				continue
			}
			mine[k.key] = true
			prev, ok := c[k.key]
			if !ok {
				c[k.key] = claim{release: rel.Name, object: id}
				continue
			}
			by := "release " + prev.release + " (" + prev.object + ")"
			if prev.release == rel.Name {
				by = prev.object + " of the same release"
			}
			msgs = append(msgs, fmt.Sprintf("%s%s: %s is also claimed by %s: %s", id, o.Origin(), k.what, by, k.why))
		}
	}
	return msgs
}

type portKey struct {
	key, what, why string
}

// claimsOf lists the NodePorts, hostPorts and Ingress paths o asks for.
func claimsOf(o manifest.Object) []portKey {
	var out []portKey
	switch {
	case o.Kind == "Service" && o.Group() == "":
		for _, p := range items(field(o.Body, "spec", "ports")) {
			if n, ok := number(field(p, "nodePort")); ok && n != 0 {
				out = append(out, portKey{key: "nodePort\x00" + strconv.Itoa(n), what: "nodePort " + strconv.Itoa(n),
					why: `the API server refuses the second Service ("provided port is already allocated")`})
			}
		}
	case o.Kind == "Ingress" && o.Group() == "networking.k8s.io":
		for _, r := range items(field(o.Body, "spec", "rules")) {
			host, _ := field(r, "host").(string)
			for _, p := range items(field(r, "http", "paths")) {
				pth, _ := field(p, "path").(string)
				if pth == "" {
					pth = "/"
				}
				where := "path " + pth + " of host " + host
				if host == "" {
					where = "path " + pth + " of every host"
				}
				out = append(out, portKey{key: "ingress\x00" + host + "\x00" + pth, what: where,
					why: "the ingress controller sends its requests to only one of them"})
			}
		}
	default:
		spec := podSpec(o)
		for _, kind := range []string{"initContainers", "containers"} {
			for _, ctr := range items(field(spec, kind)) {
				for _, p := range items(field(ctr, "ports")) {
					n, ok := number(field(p, "hostPort"))
					if !ok || n == 0 {
						continue
					}
					proto, _ := field(p, "protocol").(string)
					if proto == "" {
						proto = "TCP"
					}
					ip, _ := field(p, "hostIP").(string)
					what := fmt.Sprintf("hostPort %d/%s", n, proto)
					out = append(out, portKey{key: "hostPort\x00" + ip + "\x00" + proto + "\x00" + strconv.Itoa(n), what: what,
						why: "two pods cannot bind one host port on a node, so on a single-node platform the second is never scheduled"})
				}
			}
		}
	}
	return out
}

// podSpec is the pod spec of a workload object, or nil.
func podSpec(o manifest.Object) any {
	switch o.Kind {
	case "Pod":
		return field(o.Body, "spec")
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController":
		return field(o.Body, "spec", "template", "spec")
	case "CronJob":
		return field(o.Body, "spec", "jobTemplate", "spec", "template", "spec")
	}
	return nil
}

func field(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func items(v any) []any {
	l, _ := v.([]any)
	return l
}

// number reads a port as YAML decoding leaves it (int, int64, float64 or a
// string of digits, as charts sometimes quote it).
func number(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), n == float64(int(n))
	case string:
		i, err := strconv.Atoi(n)
		return i, err == nil
	}
	return 0, false
}
