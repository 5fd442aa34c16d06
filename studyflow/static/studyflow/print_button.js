// The "Print this page" button of pages that have one ([data-print]): hidden until this script
// shows it, so that without JavaScript there is no button that does nothing (the browser's own
// Print still works). A file, not an inline handler: the Content Security Policy forbids those.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
