package cluster

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Address ranges. Wider than a /24 so a benchmark with a few hundred
// releases does not run out of Service or Pod IPs.
const (
	serviceCIDR = "10.96.0.0/16"
	podCIDR     = "10.244.0.1/16"
	nodeIP      = "10.244.0.1"
)

// boot starts the components in dependency order and waits for each to be
// usable before starting the next one that needs it.
func (c *Cluster) boot(ctx context.Context, tl *tools, opts Options) error {
	creds, err := writeCredentials(c.Dir)
	if err != nil {
		return err
	}
	ports, err := freePorts(5)
	if err != nil {
		return err
	}
	etcdPort, peerPort, apiPort, kcmPort, schedPort := ports[0], ports[1], ports[2], ports[3], ports[4]
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(etcdPort)
	peerURL := "http://127.0.0.1:" + strconv.Itoa(peerPort)
	server := "https://127.0.0.1:" + strconv.Itoa(apiPort)

	start := func(name string, args ...string) error {
		p, err := startProcess(name, tl.bin[name], args, c.Dir, c.LogDir(), filepath.Join(c.Dir, runDir), opts.Detach)
		if err != nil {
			return err
		}
		c.procs = append(c.procs, p)
		c.log.Info("started", "component", name, "pid", p.pid, "log", p.logFile)
		return nil
	}

	if err := start("etcd",
		"--name", "pono",
		"--data-dir", filepath.Join(c.Dir, etcdDir),
		"--listen-client-urls", etcdURL,
		"--advertise-client-urls", etcdURL,
		"--listen-peer-urls", peerURL,
		"--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", "pono="+peerURL,
		// A throwaway test database: durability buys nothing, fsync costs
		// every write (Helm stores each release revision as a Secret).
		"--unsafe-no-fsync",
		"--log-level", "warn",
	); err != nil {
		return err
	}
	if err := c.waitFor(ctx, "etcd health", func(ctx context.Context) error {
		return httpOK(ctx, etcdURL+"/health", `"health":"true"`)
	}); err != nil {
		return err
	}

	policy, err := writeAuditPolicy(c.Dir)
	if err != nil {
		return err
	}
	if err := start("kube-apiserver",
		"--etcd-servers", etcdURL,
		"--service-account-issuer", "https://kubernetes.default.svc",
		"--service-account-key-file", creds.saPub,
		"--service-account-signing-key-file", creds.saKey,
		"--cert-dir", filepath.Join(c.Dir, certsDir),
		"--secure-port", strconv.Itoa(apiPort),
		"--bind-address", "127.0.0.1",
		"--advertise-address", "127.0.0.1",
		"--authorization-mode", "RBAC",
		"--token-auth-file", creds.tokenFile,
		"--service-cluster-ip-range", serviceCIDR,
		// Kaapana's charts run some privileged pods; without this the API
		// server rejects them.
		"--allow-privileged=true",
		"--audit-policy-file", policy,
		"--audit-log-path", c.AuditLog(),
		"--audit-log-format", "json",
		"--audit-log-mode", "blocking",
		"--audit-log-maxsize", "0",
	); err != nil {
		return err
	}
	if err := writeKubeconfig(c.Kubeconfig, server, creds.tokens[AdminUser]); err != nil {
		return err
	}
	kubeconfigOf := map[string]string{}
	for name, user := range componentUsers {
		kubeconfigOf[name] = filepath.Join(c.Dir, kubeconfigsDir, name)
		if err := writeKubeconfig(kubeconfigOf[name], server, creds.tokens[user]); err != nil {
			return err
		}
	}
	if c.base, err = restConfigFrom(c.Kubeconfig); err != nil {
		return err
	}
	if err := c.waitFor(ctx, "kube-apiserver /readyz", c.readyz); err != nil {
		return err
	}

	kcmArgs := []string{
		"--kubeconfig", kubeconfigOf["kube-controller-manager"],
		"--service-account-private-key-file", creds.saKey,
		"--use-service-account-credentials=false",
		// The token controller needs a root CA we do not have; tokens come
		// from the TokenRequest API anyway.
		"--controllers", "*,-serviceaccount-token",
		"--leader-elect=false",
		"--bind-address", "127.0.0.1",
		"--secure-port", strconv.Itoa(kcmPort),
	}
	if q := opts.ControllerManagerQPS; q > 0 {
		kcmArgs = append(kcmArgs, "--kube-api-qps", strconv.Itoa(q), "--kube-api-burst", strconv.Itoa(2*q))
	}
	if err := start("kube-controller-manager", kcmArgs...); err != nil {
		return err
	}
	if err := start("kube-scheduler",
		"--kubeconfig", kubeconfigOf["kube-scheduler"],
		"--leader-elect=false",
		"--bind-address", "127.0.0.1",
		"--secure-port", strconv.Itoa(schedPort),
	); err != nil {
		return err
	}
	if err := start("kwok",
		"--kubeconfig", kubeconfigOf["kwok"],
		"--config", tl.stages,
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector", nodeAnnotation+"="+nodeAnnotationValue,
		"--cidr", podCIDR,
		"--node-ip", nodeIP,
		"--node-lease-duration-seconds", "40",
	); err != nil {
		return err
	}

	names := make([]string, opts.Nodes)
	for i := range names {
		names[i] = fmt.Sprintf("kwok-node-%d", i)
	}
	if err := c.AddNodes(ctx, names...); err != nil {
		return err
	}
	if err := c.waitFor(ctx, "kube-scheduler /healthz", func(ctx context.Context) error {
		return httpOK(ctx, "https://127.0.0.1:"+strconv.Itoa(schedPort)+"/healthz", "ok")
	}); err != nil {
		return err
	}
	// The controller-manager creates every namespace's default
	// ServiceAccount, and the API server refuses Pods until it exists.
	return c.waitServiceAccount(ctx, "default")
}

// insecureHTTP reaches the components' own health endpoints, which serve
// self-signed certificates on loopback.
var insecureHTTP = &http.Client{
	Timeout:   2 * time.Second,
	Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
}

// httpOK succeeds when url answers 200 with a body containing want.
func httpOK(ctx context.Context, url, want string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := insecureHTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
		return fmt.Errorf("%s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}
