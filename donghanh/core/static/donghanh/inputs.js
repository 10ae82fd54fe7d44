// Inputs made for a phone, on every page and on whatever htmx brings in (htmx:load):
// - a date field marked data-datepicker (core.forms.DatePickerInput) gets a calendar button; the calendar
//   (vanillajs-datepicker, inline in a Bootstrap drop-down) writes dd/mm/yyyy into the field and is never bound to
//   its keyboard, so 06122026 typed on the number pad stays as typed for the server to read;
// - a <select multiple> marked data-searchable-select (core.forms.SearchableSelectMultiple) becomes a Tom Select;
// - submitting filters folded under their button on a phone (core/filter_toggle.html) folds them again.
// Without JavaScript each field works as the browser draws it. No inline code or styles: the CSP forbids them.
(() => {
  "use strict";

  // The dates the server reads (DATE_INPUT_FORMATS in donghanh/formats/vi/formats.py), to open the calendar on the
  // day already typed: d/m/yyyy, d-m-yyyy, d.m.yyyy, yyyy-mm-dd, ddmmyyyy, d/m/yy, d-m-yy.
  function parseDay(text) {
    const value = text.trim();
    let match = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$/.exec(value);
    let day, month, year;
    if (match && !(match[2] === "." && match[4].length === 2)) {
      [day, month, year] = [match[1], match[3], match[4]];
    } else if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value))) {
      [year, month, day] = [match[1], match[2], match[3]];
    } else if ((match = /^(\d{2})(\d{2})(\d{4})$/.exec(value))) {
      [day, month, year] = [match[1], match[2], match[3]];
    } else {
      return null;
    }
    let fullYear = Number(year);
    if (year.length === 2) {
      fullYear += fullYear < 69 ? 2000 : 1900; // as Python's %y
    }
    const date = new Date(fullYear, Number(month) - 1, Number(day));
    const exists = date.getFullYear() === fullYear && date.getMonth() === Number(month) - 1
      && date.getDate() === Number(day);
    return exists ? date : null;
  }

  function formatDay(date) {
    const two = (n) => String(n).padStart(2, "0");
    return `${two(date.getDate())}/${two(date.getMonth() + 1)}/${date.getFullYear()}`;
  }

  function addDatePicker(input) {
    if (input.dataset.datepickerReady || !window.Datepicker || !window.bootstrap) {
      return;
    }
    input.dataset.datepickerReady = "true";
    const group = document.createElement("div");
    group.className = "input-group flex-nowrap date-picker";
    if (input.classList.contains("form-control-sm")) {
      group.classList.add("input-group-sm");
    }
    if (input.classList.contains("is-invalid")) {
      group.classList.add("is-invalid"); // the field's message after the group stays shown
    }
    input.before(group);
    group.append(input);

    const label = input.dataset.datepicker || "Calendar";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.title = label;
    button.setAttribute("aria-label", label);
    button.setAttribute("aria-expanded", "false");
    button.dataset.bsToggle = "dropdown";
    button.dataset.testid = "date-picker-button";
    const icon = document.createElement("i");
    icon.className = "bi bi-calendar3";
    icon.setAttribute("aria-hidden", "true");
    button.append(icon);

    const menu = document.createElement("div");
    menu.className = "dropdown-menu dropdown-menu-end p-0 date-picker-menu";
    menu.dataset.testid = "date-picker";
    group.append(button, menu);
    // Fixed, so that a field inside a box that scrolls or clips (a table on a phone) shows the whole calendar.
    window.bootstrap.Dropdown.getOrCreateInstance(button, { autoClose: "outside", popperConfig: { strategy: "fixed" } });

    const language = document.documentElement.lang === "vi" && window.Datepicker.locales.vi ? "vi" : "en";
    const calendar = new window.Datepicker(menu, {
      language,
      format: "dd/mm/yyyy",
      buttonClass: "btn",
      weekStart: 1,
      todayButton: true,
      todayButtonMode: 1,
      todayHighlight: true,
    });

    // Opening: the day already in the field, else this month.
    button.addEventListener("show.bs.dropdown", () => {
      const day = parseDay(input.value);
      calendar.setDate(day ? [day] : [], { clear: true });
      calendar.setFocusedDate(day || new Date(), true);
    });
    // A day (or "today") clicked: into the field, as if typed, and the calendar closes.
    menu.addEventListener("click", (event) => {
      if (!event.target.closest(".datepicker-cell.day:not(.disabled), .today-button")) {
        return;
      }
      const day = calendar.getDate();
      if (!day) {
        return;
      }
      input.value = formatDay(day);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      window.bootstrap.Dropdown.getOrCreateInstance(button).hide();
      button.focus();
    });
  }

  function addSearch(select) {
    if (select.tomselect || !window.TomSelect) {
      return;
    }
    const noResults = select.dataset.noResults || "";
    // eslint-disable-next-line no-new
    new window.TomSelect(select, {
      plugins: { remove_button: { title: select.dataset.removeLabel || "Remove" } },
      maxOptions: null,
      hidePlaceholder: true,
      render: {
        no_results: (_data, escape) => `<div class="no-results">${escape(noResults)}</div>`,
      },
    });
  }

  function enhance(root) {
    const find = (selector) => [
      ...(root.matches && root.matches(selector) ? [root] : []),
      ...root.querySelectorAll(selector),
    ];
    find("input[data-datepicker]").forEach(addDatePicker);
    find("select[data-searchable-select]").forEach(addSearch);
  }

  // On a phone, the list shows under the filters once they are sent.
  document.addEventListener("submit", (event) => {
    const panel = event.target.closest(".filter-panel"); // "collapse" while still, "collapsing" while moving
    const toggle = panel && document.querySelector(`[aria-controls="${panel.id}"]`);
    if (!toggle || toggle.offsetParent === null || !window.bootstrap) {
      return;
    }
    const collapse = window.bootstrap.Collapse.getOrCreateInstance(panel, { toggle: false });
    if (!panel.classList.contains("collapsing")) {
      collapse.hide();
    } else if (toggle.getAttribute("aria-expanded") === "true") {
      // Sent while still unfolding: Bootstrap ignores a hide() until the panel is shown. (While folding, it is on
      // its way already.)
      panel.addEventListener("shown.bs.collapse", () => collapse.hide(), { once: true });
    }
  });

  document.addEventListener("DOMContentLoaded", () => enhance(document));
  document.addEventListener("htmx:load", (event) => enhance(event.target));
})();
