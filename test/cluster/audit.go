package cluster

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// auditPolicy logs the write requests of AdminUser, the user tests and
// people use, and nothing else: the components' own traffic (leases,
// status updates) would drown it and cost the API server time.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
  users: ["` + AdminUser + `"]
  verbs: ["create", "update", "patch", "delete", "deletecollection"]
- level: None
`

func writeAuditPolicy(dir string) (string, error) {
	p := filepath.Join(dir, "audit-policy.yaml")
	if err := os.WriteFile(p, []byte(auditPolicy), 0o644); err != nil {
		return "", fmt.Errorf("write audit policy: %w", err)
	}
	return p, nil
}

// AuditLog is the path of the API server's audit log: one JSON event per
// write request of AdminUser.
func (c *Cluster) AuditLog() string { return filepath.Join(c.LogDir(), "audit.log") }

// AuditEvent is one write request the API server answered.
type AuditEvent struct {
	Verb        string // create, update, patch, delete, deletecollection
	Resource    string // plural: "configmaps"
	Subresource string // "status", "scale", or empty
	Namespace   string
	Name        string
	RequestURI  string
	UserAgent   string
	Code        int // HTTP status of the response
	Received    time.Time
}

// markerAgent prefixes the user agent of the request Writes makes to know
// the audit log has caught up; its events are left out of the result.
const markerAgent = "pono-audit-marker/"

// Writes returns every write request AdminUser has made so far, oldest
// first, including failed ones (see Code). A test counts them before and
// after an operation, for example to prove a no-op apply writes nothing.
//
// The API server writes an event after it has answered, so Writes first
// makes a request of its own and waits until that is logged: every request
// that finished before the call is then in the log too.
func (c *Cluster) Writes(ctx context.Context) ([]AuditEvent, error) {
	var raw [8]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	marker := markerAgent + hex.EncodeToString(raw[:])
	cfg := c.RESTConfig()
	cfg.UserAgent = marker
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("clientset: %w", err)
	}
	// SelfSubjectReview is a "create" that stores nothing.
	if _, err := cs.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authnv1.SelfSubjectReview{}, metav1.CreateOptions{}); err != nil {
		return nil, fmt.Errorf("audit marker request: %w", err)
	}
	var events []AuditEvent
	err = c.waitFor(ctx, "audit log", func(context.Context) error {
		var seen bool
		events, seen, err = readAudit(c.AuditLog(), marker)
		if err != nil {
			return err
		}
		if !seen {
			return errors.New("marker request not logged yet")
		}
		return nil
	})
	return events, err
}

// auditLine is the part of an audit.k8s.io/v1 Event that Writes reports.
type auditLine struct {
	Verb       string `json:"verb"`
	RequestURI string `json:"requestURI"`
	UserAgent  string `json:"userAgent"`
	Stage      string `json:"stage"`
	ObjectRef  *struct {
		Resource    string `json:"resource"`
		Namespace   string `json:"namespace"`
		Name        string `json:"name"`
		Subresource string `json:"subresource"`
	} `json:"objectRef"`
	ResponseStatus *struct {
		Code int `json:"code"`
	} `json:"responseStatus"`
	RequestReceivedTimestamp time.Time `json:"requestReceivedTimestamp"`
}

// readAudit reads the audit log, leaving out every marker request, and
// reports whether the given marker was among them.
func readAudit(path, marker string) (events []AuditEvent, seen bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, fmt.Errorf("audit log: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var l auditLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			// A line being written right now; the next read gets it whole.
			continue
		}
		if l.Stage != "ResponseComplete" && l.Stage != "Panic" {
			continue
		}
		if l.UserAgent == marker {
			seen = true
		}
		if strings.HasPrefix(l.UserAgent, markerAgent) {
			continue
		}
		e := AuditEvent{Verb: l.Verb, RequestURI: l.RequestURI, UserAgent: l.UserAgent, Received: l.RequestReceivedTimestamp}
		if r := l.ObjectRef; r != nil {
			e.Resource, e.Subresource, e.Namespace, e.Name = r.Resource, r.Subresource, r.Namespace, r.Name
		}
		if l.ResponseStatus != nil {
			e.Code = l.ResponseStatus.Code
		}
		events = append(events, e)
	}
	if err := sc.Err(); err != nil {
		return nil, false, fmt.Errorf("audit log: %w", err)
	}
	return events, seen, nil
}
