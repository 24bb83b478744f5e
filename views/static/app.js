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
