// Package ui is pono's web page: Kaapana's Extensions page, from git. It
// shows the platform's releases with Kaapana's columns and filters, each
// release's Helm history, objects, masked values and last failure, the
// platform's repository, last attempt and pending plan, and each workflow's
// task graph (laid out server-side as SVG) and parameters form.
//
// The page is read-only unless a token is configured, which enables the
// "reconcile now" form. Every asset is embedded; the HTML works without
// JavaScript (filters are a GET form, pages are links), and ui.js adds
// live updates from the server-sent events at /ui/events.
//
// A Server holds the latest Snapshot; the reconciler (cluster/reconcile)
// publishes one after each cycle, `pono ui DIR` after each refresh.
package ui
