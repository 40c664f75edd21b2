package hostile

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdMktar is `mktar OUT SPEC`: it writes the image archive SPEC
// describes, hostile entries included (archive/tar writes any name), so
// the cases need no binary files. SPEC has one directive a line:
//
//	layer NAME [gz]        start a layer, stored in the archive as NAME
//	end                    end the layer
//	file PATH SRC          a regular file with the content of work file SRC ("-": empty)
//	zeros PATH SIZE        SIZE zero bytes (suffixes K, M)
//	symlink PATH TARGET    a symbolic link
//	hardlink PATH TARGET   a hard link
//	fifo PATH              a named pipe entry
//	image TAG              docker save's config.json and manifest.json for the layers so far
//	truncate SIZE          cut the finished archive to SIZE bytes
//
// Entries outside a layer go into the archive itself.
func cmdMktar(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mktar OUT SPEC")
	}
	spec, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	var outer bytes.Buffer
	ow := tar.NewWriter(&outer)
	var layer *bytes.Buffer
	var lw *tar.Writer
	var layerName string
	var gz bool
	var layers, diffIDs []string
	truncate := int64(-1)
	add := func(h *tar.Header, data []byte) {
		w := ow
		if lw != nil {
			w = lw
		}
		h.Size = int64(len(data))
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		ts.Check(w.WriteHeader(h))
		_, err := w.Write(data)
		ts.Check(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(spec))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch f[0] {
		case "layer":
			layer, layerName, gz = &bytes.Buffer{}, f[1], len(f) > 2 && f[2] == "gz"
			lw = tar.NewWriter(layer)
		case "end":
			ts.Check(lw.Close())
			sum := sha256.Sum256(layer.Bytes())
			diffIDs = append(diffIDs, "sha256:"+hex.EncodeToString(sum[:]))
			data := layer.Bytes()
			if gz {
				var z bytes.Buffer
				zw := gzip.NewWriter(&z)
				_, err := zw.Write(data)
				ts.Check(err)
				ts.Check(zw.Close())
				data = z.Bytes()
			}
			lw = nil
			add(&tar.Header{Name: layerName, Typeflag: tar.TypeReg}, data)
			layers = append(layers, layerName)
		case "file":
			var data []byte
			if f[2] != "-" {
				data, err = os.ReadFile(ts.MkAbs(f[2]))
				ts.Check(err)
			}
			add(&tar.Header{Name: f[1], Typeflag: tar.TypeReg}, data)
		case "zeros":
			add(&tar.Header{Name: f[1], Typeflag: tar.TypeReg}, make([]byte, size(ts, f[2])))
		case "symlink":
			add(&tar.Header{Name: f[1], Typeflag: tar.TypeSymlink, Linkname: f[2], Mode: 0o777}, nil)
		case "hardlink":
			add(&tar.Header{Name: f[1], Typeflag: tar.TypeLink, Linkname: f[2]}, nil)
		case "fifo":
			add(&tar.Header{Name: f[1], Typeflag: tar.TypeFifo}, nil)
		case "image":
			cfg, err := json.Marshal(map[string]any{"architecture": "amd64", "os": "linux",
				"rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs}})
			ts.Check(err)
			add(&tar.Header{Name: "config.json", Typeflag: tar.TypeReg}, cfg)
			m, err := json.Marshal([]map[string]any{{"Config": "config.json", "RepoTags": []string{f[1]}, "Layers": layers}})
			ts.Check(err)
			add(&tar.Header{Name: "manifest.json", Typeflag: tar.TypeReg}, m)
		case "truncate":
			truncate = size(ts, f[1])
		default:
			ts.Fatalf("mktar: unknown directive %q", f[0])
		}
	}
	ts.Check(ow.Close())
	out := outer.Bytes()
	if truncate >= 0 {
		out = out[:truncate]
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), out, 0o644))
}

// size parses SIZE with an optional K, M or G suffix (mktar, bigfile).
func size(ts *testscript.TestScript, s string) int64 {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	ts.Check(err)
	return n * mult
}
