// Package ociimage is the only importer of go-containerregistry. It reads
// one file (Kaapana's /processing-container.json) out of an image in an
// OCI registry without a container engine, and checks image archives
// (docker save and OCI layout tarballs) before they are side-loaded into a
// platform, as Kaapana's upload page does without any check.
//
// Everything an image holds is hostile input: names may climb out of the
// archive, links may point at the host, a layer may inflate to terabytes.
// Reads are bounded (Limits), names and link targets are checked, and the
// archive itself is opened through internal/safefs.
package ociimage
