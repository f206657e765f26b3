// The exit form on a member's page shows only the fields of the kind of exit chosen.
// Without this script every field stays, each label saying when it applies.
(function () {
  var form = document.getElementById("exit-form");
  var kind = form && form.querySelector("select");
  if (!kind) { return; }
  function show() {
    form.querySelectorAll("[data-exit-kinds]").forEach(function (block) {
      var kinds = block.getAttribute("data-exit-kinds").split(" ");
      block.hidden = kind.value !== "" && kinds.indexOf(kind.value) < 0;
    });
  }
  kind.addEventListener("change", show);
  show();
})();
