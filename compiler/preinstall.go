package compiler

import (
	"fmt"
	"sort"
)

// checkPreinstall reports the releases a platform chart's kube-helm would
// install by itself: Kaapana's build stamps global.preinstall_extensions
// into the admin chart (kaapana-platform-chart, code-server-chart,
// kaapana-workflows-core), and its init Job installs each one. A release
// pono manages too would have two owners: pono's upgrades and prunes
// undone by the Job. The fix is an empty list on the platform extension.
func (b *build) checkPreinstall(releases []*pending) {
	byChart := map[string][]string{}
	for _, p := range releases {
		byChart[p.rel.Chart.Name] = append(byChart[p.rel.Chart.Name], p.rel.Name)
	}
	for _, p := range releases {
		global, _ := p.rel.Values["global"].(map[string]any)
		list, _ := global["preinstall_extensions"].([]any)
		for _, item := range list {
			entry, _ := item.(map[string]any)
			name, _ := entry["name"].(string)
			rels := byChart[name]
			if len(rels) == 0 {
				continue
			}
			sort.Strings(rels)
			version := ""
			if v, ok := entry["version"]; ok {
				version = fmt.Sprint(" ", v)
			}
			b.errAt(p.extPath, "release "+p.rel.Name,
				"global.preinstall_extensions lists %s%s, which pono installs as release %s: kube-helm's init Job would install it as well, outside pono; set values: {global: {preinstall_extensions: []}} on extension %s, and let pono own the release",
				name, version, rels[0], p.rel.Extension)
		}
	}
}
