// A polled region is replaced every few seconds. Without this, a teacher who scrolled the grid
// sideways (a phone) or the feed down to older items is sent back to the start at every refresh,
// and a keyboard user on the region loses their focus.
// Regions to keep have an id and `data-keep-scroll`. The new copy gets the old one's offsets; in a
// list whose items have a `data-key` (the feed, where new items arrive at the top) the item at the
// top of the view stays at the top, however many arrived above it.
(function () {
  "use strict";
  const kept = new Map();

  function topItem(region) {
    for (const item of region.querySelectorAll("[data-key]")) {
      if (item.offsetTop + item.offsetHeight > region.scrollTop) {
        return { key: item.dataset.key, offset: item.offsetTop - region.scrollTop };
      }
    }
    return null;
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    if (!event.detail.shouldSwap) return; // an error reply swaps nothing: nothing to restore
    const target = event.detail.target;
    for (const region of [target, ...target.querySelectorAll("[data-keep-scroll]")]) {
      if (region.id && region.hasAttribute("data-keep-scroll")) {
        kept.set(region.id, {
          left: region.scrollLeft,
          top: region.scrollTop,
          anchor: region.scrollTop > 0 ? topItem(region) : null,
          focused: document.activeElement === region,
        });
      }
    }
  });

  document.addEventListener("htmx:afterSwap", () => {
    for (const [id, place] of kept) {
      const region = document.getElementById(id);
      if (!region) continue;
      region.scrollLeft = place.left;
      const anchor = place.anchor && region.querySelector(`[data-key="${CSS.escape(place.anchor.key)}"]`);
      region.scrollTop = anchor ? anchor.offsetTop - place.anchor.offset : place.top;
      if (place.focused) region.focus({ preventScroll: true });
    }
    kept.clear();
  });
})();

// A table's scroll box is a Tab stop (tabindex="0" in the page: without JavaScript, and so a
// keyboard user can scroll it) only while it has something to scroll: a box that fits would be
// one more stop, its focus frame drawn round the whole table. Checked again when the window or
// the table changes size, and when a refresh brings a new box.
(function () {
  "use strict";
  const BOXES = ".table-wrap[role=region]";

  function check(box) {
    const scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
    if (scrolls) box.setAttribute("tabindex", "0");
    else if (document.activeElement !== box) box.removeAttribute("tabindex");
  }

  const watcher = window.ResizeObserver ? new ResizeObserver((entries) => {
    for (const entry of entries) {
      const box = entry.target.closest(BOXES);
      if (box) check(box);
    }
  }) : null;

  function checkAll(root) {
    const boxes = [...root.querySelectorAll(BOXES)];
    if (root.matches && root.matches(BOXES)) boxes.push(root);
    for (const box of boxes) {
      check(box);
      if (watcher) {
        watcher.observe(box);
        if (box.firstElementChild) watcher.observe(box.firstElementChild);
      }
    }
  }

  document.addEventListener("htmx:load", (event) => checkAll(event.detail.elt));
  window.addEventListener("resize", () => checkAll(document));
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => checkAll(document));
  else checkAll(document);
})();
