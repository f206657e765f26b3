/* The exit form shows only the fields of the chosen kind, labelled for that kind
   (without scripts every field is there, each label saying when it applies). */
(function () {
  var form = document.getElementById("exit-form");
  var kind = form && form.querySelector("select");
  if (!kind) { return; }
  function show() {
    form.querySelectorAll("[data-exit-kinds]").forEach(function (block) {
      var kinds = block.getAttribute("data-exit-kinds").split(" ");
      block.hidden = kind.value !== "" && kinds.indexOf(kind.value) < 0;
      var labels = block.getAttribute("data-exit-labels");
      var label = block.querySelector("label");
      if (labels && label) {
        if (!label.hasAttribute("data-generic")) { label.setAttribute("data-generic", label.textContent); }
        labels = JSON.parse(labels);
        label.textContent = labels[kind.value] || label.getAttribute("data-generic");
      }
    });
  }
  kind.addEventListener("change", show);
  show();
})();
