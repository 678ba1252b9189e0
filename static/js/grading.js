// The grading screen: level shortcuts, submit and skip from the keyboard, and lease renewal
// while the page is open. Without it the page is an ordinary form.
(function () {
  "use strict";

  function criteria() { return Array.prototype.slice.call(document.querySelectorAll("fieldset.criterion")); }

  function current() {
    var focused = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("fieldset.criterion") : null;
    if (focused) return focused;
    return criteria().filter(function (f) { return !f.querySelector("input:checked"); })[0] || null;
  }

  function choose(fieldset, index) {
    var radios = fieldset.querySelectorAll("input[type=radio]");
    if (index < 0 || index >= radios.length) return;
    radios[index].checked = true;
    var all = criteria(), next = all[all.indexOf(fieldset) + 1];
    var target = next ? (next.querySelector("input:checked") || next.querySelector("input")) :
      document.getElementById("submit-grade");
    if (target) target.focus();
  }

  document.addEventListener("keydown", function (event) {
    var form = document.getElementById("grade-form");
    if (!form) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      document.getElementById("submit-grade").click();
      return;
    }
    if (event.altKey && (event.key === "s" || event.key === "S" || event.code === "KeyS")) {
      event.preventDefault();
      document.getElementById("skip-task").click();
      return;
    }
    var typing = event.target && (event.target.tagName === "TEXTAREA" || event.target.tagName === "SELECT");
    if (typing || event.ctrlKey || event.altKey || event.metaKey) return;
    if (/^[1-9]$/.test(event.key)) {
      var fieldset = current();
      if (fieldset) { event.preventDefault(); choose(fieldset, parseInt(event.key, 10) - 1); }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var lease = document.getElementById("lease");
    var status = document.getElementById("lease-status");
    var form = document.getElementById("grade-form");
    if (!lease || !form) return;
    var token = form.elements.csrf_token.value;
    window.setInterval(function () {
      fetch(lease.getAttribute("data-renew-url"), {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" }
      }).then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      }).then(function (result) {
        if (result.ok) {
          var until = new Date(result.body.lease_expires_at);
          lease.textContent = "Yours until " + until.toISOString().slice(11, 16) +
            " UTC (renewed while this page is open)";
          status.textContent = "";
        } else {
          status.textContent = (result.body.error || {}).message || "Your lease could not be renewed.";
        }
      }).catch(function () { status.textContent = "Offline: your lease will be renewed when the connection returns."; });
    }, 4 * 60 * 1000);
    var first = criteria()[0];
    if (first) (first.querySelector("input:checked") || first.querySelector("input")).focus();
  });
})();
