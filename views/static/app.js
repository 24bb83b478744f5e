// Small behaviours that htmx does not cover. No inline scripts: the CSP forbids them.
document.addEventListener("click", (e) => {
  const el = e.target.closest("[data-confirm]");
  if (el && !confirm(el.getAttribute("data-confirm"))) e.preventDefault();
});
// A notice's print button (views/requests/notice.tsx).
document.addEventListener("click", (e) => {
  if (e.target.closest("[data-print]")) window.print();
});
// Pages that poll or stream show the time of their last refresh.
document.addEventListener("htmx:afterSwap", () => {
  for (const el of document.querySelectorAll("[data-refreshed]")) el.textContent = new Date().toLocaleTimeString();
});

// Live connections (htmx SSE extension): the marker inside each [sse-connect] element shows the
// connection's real state; the page shell's stream (#live) tells the page something happened
// ("fz-live" on body: home tiles, case page reload their parts).
document.addEventListener("htmx:sseOpen", (e) => {
  const root = e.target;
  for (const m of root.querySelectorAll("[data-live-state]")) m.setAttribute("data-live-state", "open");
  if (root.hasAttribute("data-live-root") && e.detail && e.detail.source) {
    const nudge = () => document.body.dispatchEvent(new CustomEvent("fz-live"));
    e.detail.source.addEventListener("banner", () => setTimeout(nudge, 0));
    e.detail.source.addEventListener("refresh", (ev) => {
      nudge();
      // a request of this case moved: its open case page reloads its live part
      if (/^\d+$/.test(ev.data)) document.body.dispatchEvent(new CustomEvent("fz-case-" + ev.data));
    });
  }
});
document.addEventListener("htmx:sseError", (e) => {
  for (const m of e.target.querySelectorAll("[data-live-state]")) m.setAttribute("data-live-state", "error");
});

// Unread answers and arrivals ([data-live-banner="unread"]) counted in the tab title; dismissing
// a banner or following its link reads it. An optional chime, off unless the user turns it on
// (kept in this browser's localStorage, per user name).
(() => {
  const base = document.title;
  const who = () => (document.querySelector("[data-testid=who]") || {}).textContent || "";
  const soundKey = () => "fanzha.sound:" + who().trim();
  let last = 0;
  const chime = () => {
    if (localStorage.getItem(soundKey()) !== "on") return;
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.frequency.value = 880;
      g.gain.setValueAtTime(0.15, ctx.currentTime);
      g.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.4);
      o.connect(g).connect(ctx.destination);
      o.start();
      o.stop(ctx.currentTime + 0.4);
    } catch {}
  };
  const recount = () => {
    const n = document.querySelectorAll('[data-live-banner="unread"]').length;
    document.title = n ? `(${n}) ${base}` : base;
    if (n > last) {
      chime();
      document.body.setAttribute("data-chimed", String(Number(document.body.getAttribute("data-chimed") || 0) + 1));
    }
    last = n;
  };
  document.addEventListener("DOMContentLoaded", () => {
    for (const box of document.querySelectorAll("[data-sound-toggle]")) {
      box.checked = localStorage.getItem(soundKey()) === "on";
      box.addEventListener("change", () => localStorage.setItem(soundKey(), box.checked ? "on" : "off"));
    }
    new MutationObserver(recount).observe(document.body, { childList: true, subtree: true });
    recount();
  });
  document.addEventListener("click", (e) => {
    const b = e.target.closest("[data-live-banner]");
    if (!b) return;
    if (e.target.closest("[data-dismiss]")) b.remove();
    else if (e.target.closest("a, button")) b.setAttribute("data-live-banner", "read");
    recount();
  });
})();
