// A request that fails (a server error, a lost connection) swaps nothing into the quiz panel: without
// a word here the student's click would seem to do nothing at all. The alert sits outside the
// panel, so it is in the page before anything is said in it, and the next good answer clears it.
(function () {
  "use strict";

  function say(text) {
    const alert = document.getElementById("quiz-alert");
    if (alert) alert.textContent = text;
  }

  document.addEventListener("htmx:responseError", () => {
    say("That did not go through. Please try again.");
  });
  document.addEventListener("htmx:sendError", () => {
    say("Studyflow could not be reached. Check your connection and try again.");
  });
  document.addEventListener("htmx:afterSwap", () => say(""));
})();
