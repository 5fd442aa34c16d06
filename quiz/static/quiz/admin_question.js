// The question form in the admin: the Choices box is for multiple-choice questions only, so it is
// shown while "Kind" says so. It stays shown when it holds text or an error: a hidden box would
// still be sent, and the server's message about it would be out of sight. Without JavaScript the
// box is always there, and the server checks it either way.
(function () {
  "use strict";

  function setUp() {
    var kind = document.getElementById("id_kind");
    var box = document.getElementById("id_choices");
    var row = box && box.closest(".form-row");
    if (!kind || !row) {
      return;
    }
    function show() {
      var needed = kind.value === "choice" || box.value.trim() !== "";
      row.hidden = !needed && !row.querySelector(".errorlist");
    }
    kind.addEventListener("change", show);
    show();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
