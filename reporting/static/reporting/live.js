// "Pause live updates": the grid and the feed refresh every few seconds, which moves what a
// screen-reader user is reading and what anyone is looking at. Their polls skip while the page's
// `data-live` says "paused" (see their hx-trigger filters); pressing again brings both up to date.
// A pause holds for the browser tab (sessionStorage), through a new sort or a reload.
(function () {
  "use strict";
  const KEY = "studyflow-live-paused";

  function remembered() {
    try {
      return window.sessionStorage.getItem(KEY) === "1";
    } catch (error) {
      return false; // storage refused (private mode): a pause lasts for this page only
    }
  }

  function remember(paused) {
    try {
      window.sessionStorage.setItem(KEY, paused ? "1" : "0");
    } catch (error) {
      // as above
    }
  }

  function show(button, paused) {
    button.setAttribute("aria-pressed", String(paused));
    document.body.dataset.live = paused ? "paused" : "on";
    const state = document.getElementById("live-state");
    if (state) state.textContent = paused ? "Live updates paused." : "";
  }

  function setUp() {
    const button = document.getElementById("live-pause");
    if (!button) return;
    button.hidden = false; // without JavaScript nothing polls, and the button would do nothing
    if (remembered()) show(button, true);
    button.addEventListener("click", () => {
      const pausing = button.getAttribute("aria-pressed") !== "true";
      show(button, pausing);
      remember(pausing);
      if (!pausing && window.htmx) {
        for (const id of ["grid", "feed"]) {
          const region = document.getElementById(id);
          if (region) window.htmx.trigger(region, "resume");
        }
      }
    });
  }

  // The hx-trigger filters decide whether a poll starts. A poll already on its way when a
  // keyboard user moves into the region (or the teacher pauses) must not replace it either: the
  // swap would drop their place. The same conditions as the filters.
  const HOLDS_FOCUS = {
    grid: (focused) => focused.matches("a, button, input, select, :focus-visible"),
    feed: () => true,
  };
  document.addEventListener("htmx:beforeSwap", (event) => {
    const region = event.detail.target;
    const holds = region && HOLDS_FOCUS[region.id];
    if (!holds) return;
    const focused = document.activeElement;
    const paused = document.body.dataset.live === "paused";
    if (paused || (focused && region.contains(focused) && holds(focused))) {
      event.detail.shouldSwap = false;
    }
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
