// The application form: the amount due follows the number of shares as it is typed.
// A file, not an inline script: the Content-Security-Policy runs scripts of this site only.
(function () {
  var output = document.getElementById("amount-due");
  if (!output) { return; }
  var input = document.getElementById(output.getAttribute("for"));
  if (!input) { return; }
  var value = parseFloat(output.getAttribute("data-share-value"));
  var fmt = new Intl.NumberFormat(document.documentElement.lang || "it",
                                  {style: "currency", currency: "EUR"});
  input.addEventListener("input", function () {
    var n = parseInt(input.value, 10);
    if (n > 0 && n < 100000) { output.textContent = fmt.format(n * value); }
  });
})();

// A legal person sees its own fields: no first name nor date of birth, the company name
// and VAT number instead of surname and tax code, the legal representative.
(function () {
  var box = document.getElementById("applicant-fields");
  var category = document.querySelector("select[name=category]");
  if (!box || !category) { return; }
  var words = {person: JSON.parse(box.getAttribute("data-person-labels")),
               legal: JSON.parse(box.getAttribute("data-legal-labels"))};
  function show() {
    var kind = category.value === "legal_person" ? "legal" : "person";
    box.querySelectorAll("[data-for]").forEach(function (block) {
      block.hidden = block.getAttribute("data-for") !== kind;
    });
    Object.keys(words[kind]).forEach(function (id) {
      var label = document.querySelector("label[for='" + id + "']");
      if (label) { label.textContent = words[kind][id]; }
    });
  }
  category.addEventListener("change", show);
  show();
})();
