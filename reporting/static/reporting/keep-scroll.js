// A polled region is replaced every few seconds. Without this, a teacher who scrolled the grid
// sideways (a phone) or the feed down to older items is sent back to the start at every refresh.
// Regions to keep have an id and `data-keep-scroll`; the new copy gets the old one's offsets.
(function () {
  "use strict";
  const kept = new Map();
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    const regions = [target, ...target.querySelectorAll("[data-keep-scroll]")];
    for (const region of regions) {
      if (region.id && region.hasAttribute("data-keep-scroll")) {
        kept.set(region.id, [region.scrollLeft, region.scrollTop]);
      }
    }
  });
  document.addEventListener("htmx:afterSwap", () => {
    for (const [id, [left, top]] of kept) {
      const region = document.getElementById(id);
      if (region) {
        region.scrollLeft = left;
        region.scrollTop = top;
      }
    }
    kept.clear();
  });
})();
