package observe

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/pono-gitops/pono/compiler"
)

// Values from Secrets and ConfigMaps (valuesFrom) are read here, where
// the cluster is: apply and the GitOps loop plan with them, diff --live
// and status compare digests that cover them. Each object is read once
// per call, with a get on its name: the reconciler needs no list or
// watch, and its RBAC can name exactly the objects the platform uses.

// ValuesFromResult is a compiled platform with its cluster values in
// place.
type ValuesFromResult struct {
	// Result holds the resolved values and digests (the compiled result
	// itself when no release takes values from the cluster).
	Result *compiler.Result
	// Failed are the releases whose required values are missing or
	// unreadable, by release name: apply fails them, and blocks what needs
	// them, without writing.
	Failed map[string]*compiler.ValuesFromError
}

// ValuesFrom reads the Secrets and ConfigMaps res's releases take values
// from. It never fails: a value that cannot be read fails its release
// (Failed).
func ValuesFrom(ctx context.Context, kube kubernetes.Interface, res *compiler.Result) *ValuesFromResult {
	if !usesValuesFrom(res) {
		return &ValuesFromResult{Result: res}
	}
	return resolveValuesFrom(ctx, kube, res)
}

func usesValuesFrom(res *compiler.Result) bool {
	for _, rel := range res.Releases {
		if len(rel.ValuesFrom) > 0 {
			return true
		}
	}
	return false
}

// object is what one Secret or ConfigMap gives: its data by key, and the
// uid that keys its fingerprints.
type object struct {
	data map[string][]byte
	uid  string
	err  error
	// found is false for an object that does not exist.
	found bool
}

func resolveValuesFrom(ctx context.Context, kube kubernetes.Interface, res *compiler.Result) *ValuesFromResult {
	cache := map[string]*object{}
	get := func(ref compiler.ValueRef) (compiler.ClusterValue, error) {
		id := ref.Object()
		o, ok := cache[id]
		if !ok {
			o = readObject(ctx, kube, ref)
			cache[id] = o
		}
		switch {
		case o.err != nil:
			return compiler.ClusterValue{}, o.err
		case !o.found:
			return compiler.ClusterValue{Missing: "not found"}, nil
		}
		d, ok := o.data[ref.Key]
		if !ok {
			return compiler.ClusterValue{Missing: fmt.Sprintf("has no key %q", ref.Key)}, nil
		}
		return compiler.ClusterValue{Found: true, Data: string(d), Fingerprint: fingerprint(o.uid, ref.Key, d)}, nil
	}
	out, failed := res.ResolveValuesFrom(get)
	return &ValuesFromResult{Result: out, Failed: failed}
}

func readObject(ctx context.Context, kube kubernetes.Interface, ref compiler.ValueRef) *object {
	o := &object{found: true}
	var err error
	if ref.Kind == "ConfigMap" {
		c, e := kube.CoreV1().ConfigMaps(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		if err = e; err == nil {
			o.uid, o.data = string(c.UID), map[string][]byte{}
			for k, v := range c.Data {
				o.data[k] = []byte(v)
			}
			for k, v := range c.BinaryData {
				o.data[k] = v
			}
		}
	} else {
		s, e := kube.CoreV1().Secrets(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		if err = e; err == nil {
			o.uid, o.data = string(s.UID), s.Data
		}
	}
	switch {
	case apierrors.IsNotFound(err):
		o.found = false
	case err != nil:
		o.err = err
	}
	return o
}

// fingerprint identifies a value without revealing it: an HMAC keyed with
// the object's uid, so the digest label on a release cannot be checked
// against guessed values by someone who does not know the object. A
// recreated object (a new uid) counts as a change.
func fingerprint(uid, key string, data []byte) string {
	m := hmac.New(sha256.New, []byte(uid))
	m.Write([]byte(key))
	m.Write([]byte{0})
	m.Write(data)
	return hex.EncodeToString(m.Sum(nil))
}
