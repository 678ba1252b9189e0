// The exam page's JavaScript: a countdown kept in step with the server, background autosave
// with an offline queue, and character counters. Without it the pages still work as forms.
(function () {
  "use strict";

  var CONTROL_FIELDS = { csrf_token: 1, revision: 1, action: 1 };
  var STORE_PREFIX = "assess:";

  function $(selector, root) { return (root || document).querySelector(selector); }

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function readPending(key) {
    var store = storage();
    if (!store) return null;
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }

  function writePending(key, value) {
    var store = storage();
    if (!store) return;
    try {
      if (value) store.setItem(key, JSON.stringify(value)); else store.removeItem(key);
    } catch (e) { /* storage full or blocked: the in-memory queue still retries */ }
  }

  // ---- status indicator -----------------------------------------------------------------
  var statusEl = null;
  var STATUS_TEXT = {
    saving: "Saving…",
    saved: "All changes saved",
    offline: "Offline — will retry. Your answer is kept in this browser.",
    closed: "Time is up — your saved answers were submitted."
  };

  function setStatus(state, text) {
    if (!statusEl) return;
    if (statusEl.getAttribute("data-state") === state && !text) return;
    statusEl.setAttribute("data-state", state);
    statusEl.textContent = text || STATUS_TEXT[state] || "";
  }

  // ---- clock ------------------------------------------------------------------------------
  var clock = null;

  function Clock(el) {
    this.el = el;
    this.timeEl = $(".clock-time", el);
    this.announceEl = document.getElementById("clock-announce");
    this.clockUrl = el.getAttribute("data-clock-url");
    this.resultsUrl = el.getAttribute("data-results-url");
    this.warned = {};
    this.expiredHandled = false;
    this.sync(parseInt(el.getAttribute("data-seconds-left"), 10), 0);
    var self = this;
    this.tick();
    window.setInterval(function () { self.tick(); }, 250);
    window.setInterval(function () { self.poll(); }, 30000);
  }

  Clock.prototype.sync = function (secondsLeft, roundTripMs) {
    if (typeof secondsLeft !== "number" || isNaN(secondsLeft)) return;
    // The server counted at some point during the round trip: assume half-way.
    this.endsAt = Date.now() + secondsLeft * 1000 - (roundTripMs || 0) / 2;
  };

  Clock.prototype.left = function () {
    return Math.max(0, Math.ceil((this.endsAt - Date.now()) / 1000));
  };

  Clock.prototype.tick = function () {
    var left = this.left();
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    var text = (h ? h + ":" + (m < 10 ? "0" : "") + m : String(m)) + ":" + (s < 10 ? "0" : "") + s;
    if (this.timeEl.textContent !== text) this.timeEl.textContent = text;
    this.el.classList.toggle("clock-warning", left <= 300 && left > 60);
    this.el.classList.toggle("clock-urgent", left <= 60);
    if (left <= 300 && left > 60) this.warn("five", "5 minutes left.");
    if (left <= 60 && left > 0) this.warn("one", "1 minute left. Your answers are saved as you go.");
    if (left === 0 && !this.expiredHandled) {
      this.expiredHandled = true;
      this.announce("Time is up. Your saved answers are being submitted.");
      var self = this;
      // The server decides: ask it once answers in flight have landed.
      flushAll();
      window.setTimeout(function () { self.poll(true); }, 2000);
    }
  };

  Clock.prototype.warn = function (key, message) {
    if (this.warned[key]) return;
    this.warned[key] = true;
    this.announce(message);
  };

  Clock.prototype.announce = function (message) {
    if (this.announceEl) this.announceEl.textContent = message;
  };

  Clock.prototype.poll = function (expired) {
    var self = this, started = Date.now();
    fetch(this.clockUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        if (data.status !== "in_progress") { goToResults(self.resultsUrl); return; }
        self.sync(data.seconds_left, Date.now() - started);
        if (expired) {
          // Still open (within the grace period): look again shortly.
          self.expiredHandled = false;
          window.setTimeout(function () { self.poll(true); }, 3000);
        }
      })
      .catch(function () {
        if (expired) window.setTimeout(function () { self.poll(true); }, 5000);
      });
  };

  function goToResults(url) {
    setStatus("closed");
    window.location.assign(url);
  }

  // ---- autosave -------------------------------------------------------------------------
  // One queue entry per item: the newest answer not yet confirmed by the server.
  var queues = {};

  function Saver(form) {
    this.form = form;
    this.url = form.getAttribute("data-autosave-url");
    this.key = form.getAttribute("data-storage-key");
    this.csrf = form.elements.csrf_token ? form.elements.csrf_token.value : "";
    this.revisionInput = form.elements.revision;
    var saved = parseInt(form.getAttribute("data-revision"), 10) || 0;
    var pending = readPending(this.key);
    this.revision = Math.max(saved, pending ? pending.revision : 0);
    if (pending && pending.revision > saved) {
      restoreForm(form, pending.form);  // a reload while saves were queued: keep them
    } else if (pending) {
      writePending(this.key, null);  // the server already has it
    }
    this.revisionInput.value = this.revision + 1;
    var self = this;
    this.timer = null;
    form.addEventListener("input", function (event) { self.changed(event, 700); });
    form.addEventListener("change", function (event) { self.changed(event, 0); });
    form.addEventListener("submit", function () { self.submitting(); });
  }

  // A plain submit ("Save and next", the numbered panel, "Flag for review", "Check my
  // answer") carries the whole form, so it must be the newest revision. Pressing a button
  // blurs a text box, whose "change" has just queued an autosave: drop it, since the post
  // carries the same answer, or it would be sent after the post with a higher revision and
  // the post would be refused as stale. Until a page shows that the server has the posted
  // answer, it stays in this browser as a pending save, so nothing is lost if the post fails.
  Saver.prototype.submitting = function () {
    window.clearTimeout(this.timer);
    this.timer = null;
    this.revision += 1;
    this.revisionInput.value = this.revision;
    var entry = { url: this.url, csrf: this.csrf, revision: this.revision,
                  form: serialiseForm(this.form) };
    writePending(this.key, entry);
    delete queues[this.key];  // an older save not yet sent: the post carries a newer one
    setStatus("saving");
  };

  Saver.prototype.changed = function (event, delay) {
    if (!event.target || !event.target.name || CONTROL_FIELDS[event.target.name]) return;
    var self = this;
    window.clearTimeout(this.timer);
    setStatus("saving", "Unsaved changes…");
    this.timer = window.setTimeout(function () { self.queue(); }, delay);
  };

  Saver.prototype.queue = function () {
    this.revision += 1;
    this.revisionInput.value = this.revision + 1;
    var entry = { url: this.url, csrf: this.csrf, revision: this.revision,
                  form: serialiseForm(this.form) };
    writePending(this.key, entry);
    enqueue(this.key, entry);
  };

  function serialiseForm(form) {
    var data = {};
    var fields = new FormData(form);
    fields.forEach(function (value, name) {
      if (CONTROL_FIELDS[name]) return;
      (data[name] = data[name] || []).push(String(value));
    });
    // Unticked boxes and emptied selects send nothing; say so explicitly.
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && !CONTROL_FIELDS[el.name] && !(el.name in data)) data[el.name] = [];
    });
    return data;
  }

  function restoreForm(form, data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || CONTROL_FIELDS[el.name] || !(el.name in data)) return;
      var values = data[el.name];
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT") {
        // Several selects can share a name (one per position of an order): take them in order.
        var same = form.querySelectorAll('select[name="' + el.name + '"]');
        var index = Array.prototype.indexOf.call(same, el);
        el.value = values[index] !== undefined ? values[index] : "";
      } else {
        el.value = values[0] !== undefined ? values[0] : "";
      }
    });
  }

  var inflight = {};
  var retryDelay = 1000;
  var retryTimer = null;

  function enqueue(key, entry) {
    queues[key] = entry;
    send(key);
  }

  function send(key) {
    var entry = queues[key];
    if (!entry || inflight[key]) return;
    inflight[key] = true;
    setStatus("saving");
    var started = Date.now();
    fetch(entry.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json",
                 "X-CSRFToken": entry.csrf },
      body: JSON.stringify({ revision: entry.revision, form: entry.form })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    }).then(function (result) {
      inflight[key] = false;
      handleResult(key, entry, result, Date.now() - started);
    }, function () {
      inflight[key] = false;
      offline();
    });
  }

  function handleResult(key, entry, result, roundTripMs) {
    var body = result.body || {};
    var error = body.error || {};
    if (clock && typeof body.seconds_left === "number") clock.sync(body.seconds_left, roundTripMs);
    if (result.status === 200 || error.code === "stale_revision") {
      // Saved, or the server already holds something newer: this entry is settled.
      settle(key, entry);
      return;
    }
    if (error.code === "time_up" || error.code === "attempt_closed") {
      settle(key, entry);
      if (clock) goToResults(clock.resultsUrl); else setStatus("closed", error.message);
      return;
    }
    if (result.status >= 500 || result.status === 0) { offline(); return; }
    // A refusal the applicant can act on (a too-long text, say): keep it, say why.
    delete queues[key];
    setStatus("error", "Not saved: " + (error.message || "the server refused this answer") + ".");
  }

  function settle(key, entry) {
    if (queues[key] === entry) {
      delete queues[key];
      var stored = readPending(key);
      if (stored && stored.revision <= entry.revision) writePending(key, null);
    }
    retryDelay = 1000;
    if (queues[key]) { send(key); return; }
    if (!Object.keys(queues).length) setStatus("saved");
  }

  function offline() {
    setStatus("offline");
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(flushAll, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15000);
  }

  function flushAll() {
    Object.keys(queues).forEach(send);
  }

  // Saves queued in this browser for any item of this attempt (a reload, a crash, a lost
  // connection on another question, a plain post that did not arrive) are sent again on
  // load, unless the numbered panel shows the server already has that revision or a newer.
  function loadStoredQueue(attemptPrefix, currentKey) {
    var store = storage();
    if (!store) return;
    var keys = [];
    for (var i = 0; i < store.length; i++) keys.push(store.key(i));
    keys.forEach(function (key) {
      if (!key || key.indexOf(attemptPrefix) !== 0 || key === currentKey) return;
      var entry = readPending(key);
      if (!entry || !entry.url) return;
      if (entry.revision <= savedRevision(key.slice(attemptPrefix.length))) {
        writePending(key, null);
        return;
      }
      queues[key] = entry;
    });
  }

  function savedRevision(position) {
    var item = document.querySelector('.item-nav li[data-position="' + position + '"]');
    var revision = item ? parseInt(item.getAttribute("data-revision"), 10) : NaN;
    return isNaN(revision) ? -1 : revision;
  }

  // ---- character counters ------------------------------------------------------------
  function setUpCounters() {
    Array.prototype.forEach.call(document.querySelectorAll(".char-count[data-for]"), function (counter) {
      var box = document.getElementById(counter.getAttribute("data-for"));
      if (!box) return;
      var max = parseInt(box.getAttribute("data-maxlength") || box.getAttribute("maxlength"), 10);
      var min = parseInt(box.getAttribute("data-minlength") || "0", 10);
      function update() {
        var n = box.value.length;
        var text = n + (max ? " of " + max : "") + " characters";
        if (min && n < min) text += " (at least " + min + " needed)";
        counter.textContent = text;
      }
      box.addEventListener("input", update);
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    statusEl = document.getElementById("save-status");
    var clockEl = document.getElementById("clock");
    if (clockEl) clock = new Clock(clockEl);
    var form = document.getElementById("answer-form");
    var nav = document.querySelector(".item-nav[data-storage-prefix]");
    if (form) {
      var saver = new Saver(form);
      var key = saver.key;
      loadStoredQueue(key.slice(0, key.lastIndexOf(":") + 1), key);
      var pending = readPending(key);
      if (pending && pending.revision >= saver.revision) queues[key] = pending;
    } else if (nav) {  // the review page: send what is still queued before a submit
      loadStoredQueue(nav.getAttribute("data-storage-prefix"), null);
    }
    if (Object.keys(queues).length) flushAll();
    setUpCounters();
    window.addEventListener("online", function () { retryDelay = 1000; flushAll(); });
  });
})();
