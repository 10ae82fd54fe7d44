// The service form shows the loan fields only for a loan and the job fields only for a job, and the amount
// only where the chosen service involves money. The server checks the same rules; this only tidies the form.
(function () {
  "use strict";
  var form = document.querySelector("[data-service-form]");
  var data = document.getElementById("service-categories");
  if (!form || !data) { return; }
  var categories = JSON.parse(data.textContent);
  var select = form.querySelector("select[name=service_type]");
  var amount = form.querySelector("[data-field=amount]");
  var jobs = ["job_placement", "job_referral"];

  function hasValue(box) {
    return Array.prototype.some.call(box.querySelectorAll("input, select, textarea"), function (input) {
      return input.value !== "" || input.classList.contains("is-invalid");
    });
  }

  function update() {
    var chosen = categories[select.value] || null;
    var category = chosen ? chosen.category : "";
    form.querySelectorAll("[data-only]").forEach(function (box) {
      var wanted = box.getAttribute("data-only") === "loan" ? category === "loan" : jobs.indexOf(category) >= 0;
      box.hidden = !wanted && !hasValue(box);
    });
    if (amount) { amount.hidden = chosen !== null && !chosen.money && !hasValue(amount); }
  }

  select.addEventListener("change", update);
  update();
})();
