// pono's page works without this file: it only adds live updates (the
// server-sent events at /ui/events) and filtering as you type.
"use strict";
(function () {
  const live = document.getElementById("live");
  if (!live) return;
  const indicator = document.getElementById("live-indicator");
  let gen = Number(live.dataset.gen || 0);
  let inflight = null;

  function partialURL(href) {
    const u = new URL(href, location.href);
    u.searchParams.set("partial", "1");
    return u.toString();
  }

  // refresh replaces the live region with the server's rendering of the
  // current URL.
  async function refresh() {
    if (inflight) inflight.abort();
    const ctl = new AbortController();
    inflight = ctl;
    try {
      const resp = await fetch(partialURL(location.href), { signal: ctl.signal, headers: { "Accept": "text/html" } });
      if (!resp.ok) return;
      const html = await resp.text();
      const g = Number(resp.headers.get("X-Pono-Generation") || gen);
      live.innerHTML = html;
      gen = g;
      live.dataset.gen = String(g);
    } catch (e) {
      if (e.name !== "AbortError") setStale(true);
    } finally {
      if (inflight === ctl) inflight = null;
    }
  }

  function setStale(stale) {
    if (!indicator) return;
    indicator.hidden = false;
    indicator.classList.toggle("stale", stale);
    indicator.textContent = stale ? "reconnecting" : "live";
  }

  if (window.EventSource) {
    const es = new EventSource("/ui/events");
    es.addEventListener("open", () => setStale(false));
    es.addEventListener("error", () => setStale(true));
    es.addEventListener("snapshot", (ev) => {
      setStale(false);
      const g = Number(ev.data);
      if (g !== gen) refresh();
    });
  }

  const form = document.getElementById("filters");
  if (form) {
    let timer = null;
    const apply = () => {
      const params = new URLSearchParams(new FormData(form));
      for (const [k, v] of [...params]) if (v === "") params.delete(k);
      const qs = params.toString();
      history.replaceState(null, "", form.getAttribute("action") + (qs ? "?" + qs : ""));
      refresh();
    };
    form.addEventListener("change", apply);
    form.addEventListener("input", (ev) => {
      if (ev.target.name !== "q") return;
      clearTimeout(timer);
      timer = setTimeout(apply, 200);
    });
    form.addEventListener("submit", (ev) => { ev.preventDefault(); apply(); });
  }
})();
