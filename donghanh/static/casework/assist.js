// The ASSIST form: hide questions 2 to 7 of a substance answered "No" to question 1.
// Progressive enhancement: without this script the whole grid is shown and the server checks the answers.
// The hidden selects are disabled, so what they hold is kept but not sent.
(() => {
  "use strict";

  function update(substance) {
    const chosen = document.querySelector(`input[data-assist-q1="${substance}"]:checked`);
    const hide = chosen !== null && chosen.value === "no";
    document.querySelectorAll(`[data-assist-followup="${substance}"]`).forEach((box) => {
      box.hidden = hide;
      box.querySelectorAll("select").forEach((select) => {
        select.disabled = hide;
      });
    });
  }

  function start() {
    const substances = new Set();
    document.querySelectorAll("input[data-assist-q1]").forEach((input) => {
      substances.add(input.dataset.assistQ1);
      input.addEventListener("change", () => update(input.dataset.assistQ1));
    });
    substances.forEach(update);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
