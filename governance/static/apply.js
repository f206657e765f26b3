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
