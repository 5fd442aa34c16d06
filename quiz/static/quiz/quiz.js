// A request that fails (a server error, a lost connection) swaps nothing into the quiz panel: without
// a word here the student's click would seem to do nothing at all. The alert sits outside the
// panel, so it is in the page before anything is said in it, and the next good answer clears it.
(function () {
  "use strict";
  let sentFrom = null; // the control the student used: htmx disables it while the request runs

  function say(text) {
    const alert = document.getElementById("quiz-alert");
    if (alert) alert.textContent = text;
    return alert;
  }

  function failed(text) {
    const alert = say(text);
    if (alert) alert.scrollIntoView({ block: "nearest" }); // above the panel: maybe off screen
    // A disabled button loses focus to the page; give it back once htmx enables it again.
    const control = sentFrom;
    setTimeout(() => {
      if (control && control.isConnected && !control.disabled) control.focus();
    }, 0);
  }

  document.addEventListener("htmx:beforeRequest", () => {
    sentFrom = document.activeElement;
  });
  document.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 403) {
      // Most often the session ended or the page is from before a log-in: trying again won't do.
      failed("This page has expired. Reload it (you may need to log in again) and try once more.");
    } else {
      failed("That did not go through. Please try again.");
    }
  });
  document.addEventListener("htmx:sendError", () => {
    failed("Studyflow could not be reached. Check your connection and try again.");
  });
  document.addEventListener("htmx:afterSwap", () => say(""));
})();
