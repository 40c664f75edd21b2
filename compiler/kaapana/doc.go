// Package kaapana reads Kaapana's extension conventions from a chart: the
// kind and flags its Chart.yaml keywords declare, the typed extension_params
// its values.yaml declares, and how parameters and platform globals become
// Helm values. It is pure: bytes and maps in, data out.
package kaapana
