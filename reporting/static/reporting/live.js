// "Pause live updates": the grid and the feed refresh every few seconds, which moves what a
// screen-reader user is reading and what anyone is looking at. Their polls skip while the page's
// `data-live` says "paused" (see their hx-trigger filters); pressing again brings both up to date.
(function () {
  "use strict";

  function setUp() {
    const button = document.getElementById("live-pause");
    if (!button) return;
    const state = document.getElementById("live-state");
    button.hidden = false; // without JavaScript nothing polls, and the button would do nothing
    button.addEventListener("click", () => {
      const pausing = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(pausing));
      document.body.dataset.live = pausing ? "paused" : "on";
      if (state) state.textContent = pausing ? "Live updates paused." : "";
      if (!pausing && window.htmx) {
        for (const id of ["grid", "feed"]) {
          const region = document.getElementById(id);
          if (region) window.htmx.trigger(region, "resume");
        }
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
