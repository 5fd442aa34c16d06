// "Pause live updates": the grid and the feed refresh every few seconds, which moves what a
// screen-reader user is reading and what anyone is looking at. Their polls skip while the page's
// `data-live` says "paused" (below); the button then reads "Resume live updates", and pressing it
// brings both up to date. A pause holds for the browser tab (sessionStorage), through a new sort
// or a reload.
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

  // The button names what a press does, so its words change with the state; it is then not a
  // toggle button (aria-pressed), whose name must stay the same: "Resume live updates, pressed"
  // would say the state twice over, and contradict itself. The status beside it says the state.
  const LABELS = { on: "Pause live updates", paused: "Resume live updates" };

  function show(button, paused) {
    document.body.dataset.live = paused ? "paused" : "on";
    button.textContent = LABELS[document.body.dataset.live];
    const state = document.getElementById("live-state");
    if (state) state.textContent = paused ? "Live updates paused." : "";
  }

  function setUp() {
    const button = document.getElementById("live-pause");
    if (!button) return;
    button.hidden = false; // without JavaScript nothing polls, and the button would do nothing
    if (remembered()) show(button, true);
    button.addEventListener("click", () => {
      const pausing = document.body.dataset.live !== "paused";
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

  // A region keeps still while the teacher paused live updates, or while a keyboard user is in it:
  // a swap would drop their place, and a screen reader would read the grid's scroll box's name
  // again. On the grid, only a link or control, or the box reached by keyboard (:focus-visible),
  // holds it: a mouse click on a cell focuses the box too, but must not stop the refresh unseen.
  // On the feed, only a link reached by keyboard: each item is a link, and a Ctrl-click anywhere
  // on one (its student in a new tab) leaves it focused by the mouse.
  const HOLDS_FOCUS = {
    grid: (focused) => focused.matches("a, button, input, select, :focus-visible"),
    feed: (focused) => focused.matches(":focus-visible"),
  };

  // Both hold still, too, while the teacher selects some of their words (a student's wrong answer
  // in the feed, names or figures in the grid, to copy) and while they keep them selected: a swap
  // puts new rows in place of the old ones, and the selection, which lay in the old ones, is lost.
  // And while a press that began in one is held, before a drag has selected anything: a swap then
  // would take away what is under the pointer, and with it the click or the selection.
  const HOLDS_SELECTION = new Set(["feed", "grid"]);
  let press = null; // the latest press of a pointer on a region: where, and whether it is held

  function selectionIn(region) {
    const selection = window.getSelection();
    return Boolean(selection && !selection.isCollapsed && selection.containsNode(region, true));
  }

  function keepsStill(region) {
    const holds = region && HOLDS_FOCUS[region.id];
    if (!holds) return false;
    const focused = document.activeElement;
    const paused = document.body.dataset.live === "paused";
    if (paused || (focused && region.contains(focused) && holds(focused))) return true;
    if (!HOLDS_SELECTION.has(region.id)) return false;
    return selectionIn(region) || Boolean(press && press.held && press.region === region.id);
  }

  document.addEventListener("pointerdown", (event) => {
    const region = event.target.closest && event.target.closest("#feed, #grid");
    press = region ? { region: region.id, x: event.clientX, y: event.clientY, held: true } : null;
  });
  // (A touch that scrolls the feed ends in pointercancel.)
  for (const type of ["pointerup", "pointercancel"]) {
    document.addEventListener(type, () => {
      if (press) press.held = false;
    });
  }

  // A drag across an item's words ends with a click on its link all the same (the press and the
  // release on one element): that click does not take the teacher away from what they selected.
  // A press released where it began still follows the link: a click, a tap, a Ctrl-click, a
  // Shift-click (which may extend a selection); so does Enter (a click of no press: detail 0).
  const TREMBLE = 4; // px: a click may move this much in an unsteady hand and still be a click
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("#feed a[href]");
    if (!link || !press || event.detail === 0) return;
    const moved = Math.hypot(event.clientX - press.x, event.clientY - press.y) >= TREMBLE;
    const selection = window.getSelection();
    if (moved && selection && !selection.isCollapsed && selection.containsNode(link, true)) {
      event.preventDefault();
    }
  });

  // A poll does not even start then. (Not as hx-trigger filters: htmx runs those through eval,
  // which the site's Content-Security-Policy forbids.) "Resume" always brings a region up to date.
  document.addEventListener("htmx:confirm", (event) => {
    const trigger = event.detail.triggeringEvent;
    if (trigger && trigger.type === "resume") return;
    if (keepsStill(event.detail.elt)) event.preventDefault();
  });
  // A poll already on its way when the teacher pauses or a keyboard user moves in is not swapped.
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (keepsStill(event.detail.target)) event.detail.shouldSwap = false;
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
