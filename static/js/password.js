// Password fields (templates/macros/forms.html): a Show/Hide button on each, and on a field
// where a new password is chosen a live hint of its length against the minimum and of its
// strength by zxcvbn (static/vendor/zxcvbn.js, `make vendor`), judged as the server judges
// (assess/services/passwords.py): long enough, not holding the email's local part, zxcvbn
// score at least 3 of 4 with the email as a known word. The server still decides on submit.
// Wired by data- attributes only: no inline script or handler, so a strict CSP holds.
(function () {
  "use strict";
  if (window.assessPasswordFields) return;  // each password field loads this script
  window.assessPasswordFields = true;

  var MIN_SCORE = 3;
  var ZXCVBN_LIMIT = 100;  // the server judges the first 100 characters
  var WORDS = ["very weak", "weak", "fair", "good", "strong"];
  var DELAY = 250;  // ms after the last key before the hint (read out politely) changes
  var library = { state: "none", waiting: [] };

  // ---- show / hide -------------------------------------------------------------------
  function setRevealed(button, input, revealed) {
    input.type = revealed ? "text" : "password";
    button.setAttribute("aria-pressed", revealed ? "true" : "false");
    var label = button.querySelector("[data-reveal-label]") || button;
    label.textContent = revealed ? "Hide" : "Show";
  }

  function wireReveal(button) {
    var input = document.getElementById(button.getAttribute("aria-controls"));
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      setRevealed(button, input, input.type === "password");
    });
    // The browser must not keep a typed password as plain text (form history) on submit.
    if (input.form) {
      input.form.addEventListener("submit", function () { setRevealed(button, input, false); });
    }
  }

  // ---- strength ----------------------------------------------------------------------
  function characters(text) { return Array.from(text); }  // code points, as Python counts

  function emailOf(input) {
    var fieldId = input.getAttribute("data-strength-email-field");
    var field = fieldId && document.getElementById(fieldId);
    return (field ? field.value : input.getAttribute("data-strength-email") || "").trim();
  }

  function loadLibrary(src, then) {
    if (typeof window.zxcvbn === "function") library.state = "ready";
    if (library.state === "ready" || library.state === "failed") { then(); return; }
    library.waiting.push(then);
    if (library.state === "loading") return;
    library.state = "loading";
    var script = document.createElement("script");
    script.src = src;
    script.async = true;
    function settle(state) {
      library.state = state;
      library.waiting.splice(0).forEach(function (callback) { callback(); });
    }
    script.addEventListener("load", function () {
      settle(typeof window.zxcvbn === "function" ? "ready" : "failed");
    });
    script.addEventListener("error", function () { settle("failed"); });
    document.head.appendChild(script);
  }

  function judge(password, email, minLength) {
    var chars = characters(password);
    var verdict = { length: chars.length, minLength: minLength, lines: [] };
    var localPart = email.split("@")[0].trim().toLowerCase();
    if (localPart.length >= 3 && password.toLowerCase().indexOf(localPart) !== -1) {
      verdict.containsEmail = true;
    }
    if (library.state === "ready") {
      var inputs = email ? [email, localPart] : [];
      var estimate = window.zxcvbn(chars.slice(0, ZXCVBN_LIMIT).join(""), inputs);
      verdict.score = estimate.score;
      verdict.warning = estimate.feedback.warning || "";
      verdict.suggestions = estimate.feedback.suggestions || [];
    }
    return verdict;
  }

  // zxcvbn.js leaves some of its sentences without the full stop its Python port adds.
  function sentence(text) { return /[.!?]$/.test(text) ? text : text + "."; }

  function line(output, className, text) {
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    output.appendChild(span);
    return span;
  }

  function show(output, verdict) {
    output.textContent = "";
    var longEnough = verdict.length >= verdict.minLength;
    var length = line(output, "strength-length", longEnough
      ? "Length: " + verdict.length + " characters (at least " + verdict.minLength + ")."
      : "Length: " + verdict.length + " of at least " + verdict.minLength + " characters.");
    length.setAttribute("data-ok", longEnough ? "true" : "false");
    if (verdict.containsEmail) {
      line(output, "strength-feedback",
           "Choose a password that does not contain your email address.");
    }
    if (verdict.score === undefined) {
      if (library.state === "failed") {
        line(output, "strength-word", "Strength is checked when you submit.");
      }
      return;
    }
    var enough = verdict.score >= MIN_SCORE;
    var word = line(output, "strength-word", "Strength: " + WORDS[verdict.score] +
                    (enough ? "." : " (needs to be " + WORDS[MIN_SCORE] + " or better)."));
    word.setAttribute("data-score", String(verdict.score));
    if (!enough) {  // in the words the server's refusal will use
      var advice = [verdict.warning || "This password is easy to guess."]
        .concat(verdict.suggestions).filter(Boolean).map(sentence);
      line(output, "strength-feedback", advice.join(" "));
    }
  }

  function wireStrength(input) {
    var output = document.querySelector('[data-strength-for="' + input.id + '"]');
    if (!output) return;
    var minLength = parseInt(input.getAttribute("data-strength-min"), 10) || 0;
    var timer = null;
    function update() {
      timer = null;
      // The live region stays in the page (empty when there is nothing to say), so that
      // screen readers already watch it when the first hint arrives.
      if (!input.value) { output.textContent = ""; return; }
      show(output, judge(input.value, emailOf(input), minLength));
    }
    function later() {
      if (timer !== null) window.clearTimeout(timer);
      timer = window.setTimeout(update, DELAY);
    }
    input.addEventListener("input", later);
    var emailField = document.getElementById(input.getAttribute("data-strength-email-field"));
    if (emailField) emailField.addEventListener("input", function () { if (input.value) later(); });
    loadLibrary(input.getAttribute("data-strength"), function () { if (input.value) update(); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-reveal]"), wireReveal);
    Array.prototype.forEach.call(document.querySelectorAll("input[data-strength]"), wireStrength);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
