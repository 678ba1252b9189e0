// Span items (templates/items/span/take.html): select any words of the response, with the
// mouse or the keyboard, and mark them. Progressive enhancement: without this script the
// sentence checkboxes work on their own, and nothing here is needed to answer.
//
// Every marked span is a checked checkbox named "spans" whose value is "first-last" (token
// indices), exactly like the server-rendered sentence checkboxes: a sentence marked as a whole
// ticks its own box, any other passage gets a checkbox in a hidden list. So exam.js serialises,
// autosaves and restores them like any checkbox, and a plain post carries the same fields.
// Marks are listed as buttons that remove them, and every change is announced politely.
//
// Keyboard, with the response focused (it is a read-only text box in the tab order):
//   Left/Right       move word by word (the word under the cursor is selected)
//   Shift+Left/Right extend or shrink the selection
//   Home/End         to the first/last word of the sentence (with Shift: extend)
//   Up/Down          select the previous/next sentence
//   Enter or Space   mark the selection         Delete/Backspace  unmark the passage under
//   Escape           select only the cursor word                    the cursor
(function () {
  "use strict";

  function make(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { el.setAttribute(name, attrs[name]); });
    if (text) el.textContent = text;
    return el;
  }

  function parseRanges(values) {
    var spans = [];
    (values || []).forEach(function (value) {
      String(value).split(/[\s,]+/).forEach(function (piece) {
        var m = /^(\d+)(?:-(\d+))?$/.exec(piece);
        if (m) spans.push([+m[1], m[2] === undefined ? +m[1] : +m[2]]);
      });
    });
    return spans;
  }

  function key(span) { return span[0] + "-" + span[1]; }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function Marker(root) {
    this.root = root;
    this.text = root.querySelector("[data-span-text]");
    this.fieldset = root.querySelector(".span-sentences");
    this.none = root.querySelector("input[name=spans_none]");
    this.form = root.closest("form");
    this.uid = this.text.id.replace(/-text$/, "");
    this.tokens = [];
    this.gaps = [];
    this.anchor = null;  // the selection runs from anchor to cursor (none while anchor is null)
    this.cursor = null;  // the keyboard's word; kept after marking, so arrows go on from it
    this.made = 0;
    this.dispatching = false;
    this.readText();
    this.sentences = this.sentenceBoxes().map(function (box) {
      return parseRanges([box.value])[0];
    });
    this.build();
    this.applyPending();
    this.render();
  }

  // Tokens are <span data-t>; everything between them (spaces, punctuation, line breaks)
  // is kept as gap text, so marks can be re-wrapped without touching the server's text.
  Marker.prototype.readText = function () {
    var self = this, gap = "";
    var walker = document.createTreeWalker(this.text, NodeFilter.SHOW_TEXT, null);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var token = node.parentNode.closest("[data-t]");
      if (token && self.text.contains(token)) {
        self.gaps.push(gap);
        gap = "";
        self.tokens.push({ el: token, text: node.nodeValue });
      } else {
        gap += node.nodeValue;
      }
    }
    this.gaps.push(gap);
  };

  Marker.prototype.sentenceBoxes = function () {
    return Array.prototype.filter.call(this.fieldset.querySelectorAll("input[name=spans]"),
      function (box) { return /-spans-\d+$/.test(box.id); });
  };

  Marker.prototype.spanBoxes = function () {
    return Array.prototype.slice.call(this.root.querySelectorAll("input[name=spans]"));
  };

  Marker.prototype.build = function () {
    var uid = this.uid, self = this;
    var text = this.text;
    text.setAttribute("tabindex", "0");
    text.setAttribute("role", "textbox");
    text.setAttribute("aria-readonly", "true");
    text.setAttribute("aria-multiline", "true");
    text.setAttribute("aria-labelledby", uid + "-response-label");
    text.setAttribute("aria-describedby", uid + "-keys");

    var tools = make("div", { "class": "span-tools", id: uid + "-tools" });
    tools.appendChild(make("p", { "class": "hint", id: uid + "-keys" },
      "Select words in the response with the mouse and press Mark selection. Or focus the " +
      "response and use the arrow keys: Left and Right move word by word, Shift with an arrow " +
      "extends the selection, Home and End go to the start and end of the sentence, Up and " +
      "Down select a whole sentence, Enter marks the selection and Delete unmarks the passage " +
      "under the cursor."));
    this.status = make("p", { "class": "span-selected", id: uid + "-selected" });
    tools.appendChild(this.status);
    this.button = make("button", { type: "button", "class": "button secondary",
                                   id: uid + "-mark", "aria-describedby": uid + "-selected" },
                       "Mark selection");
    tools.appendChild(this.button);
    tools.appendChild(make("h4", { id: uid + "-marks-heading" }, "Marked passages"));
    this.list = make("ul", { "class": "span-marks", "aria-labelledby": uid + "-marks-heading" });
    tools.appendChild(this.list);
    this.empty = make("p", { "class": "span-empty" }, "Nothing marked yet.");
    tools.appendChild(this.empty);
    this.live = make("p", { "class": "visually-hidden", "aria-live": "polite",
                            id: uid + "-announce" });
    tools.appendChild(this.live);
    var section = text.closest(".response") || text;
    section.parentNode.insertBefore(tools, section.nextSibling);

    // Passages that are not whole sentences: checkboxes kept out of sight (the buttons above
    // stand for them); unticked rather than removed, so that a restored save can tick them.
    this.hidden = make("div", { "class": "span-passages", hidden: "" });
    this.fieldset.insertBefore(this.hidden, this.none ? this.none.closest(".option") : null);
    Array.prototype.forEach.call(this.fieldset.querySelectorAll("input[name=spans]"),
      function (box) {
        if (!/-spans-\d+$/.test(box.id)) self.hidden.appendChild(box.closest(".option") || box);
      });

    this.button.addEventListener("click", function () { self.markSelection(); });
    text.addEventListener("keydown", function (event) { self.keydown(event); });
    document.addEventListener("selectionchange", function () { self.selectionChanged(); });
    this.fieldset.addEventListener("change", function (event) { self.boxChanged(event); });
    this.list.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-span]");
      if (button) self.unmark(parseRanges([button.getAttribute("data-span")])[0], button);
    });
    window.addEventListener("pageshow", function () { self.render(); });
  };

  // A save queued in this browser and newer than the page (see exam.js): make sure every
  // passage it holds has a checkbox, and tick exactly what it holds. exam.js may restore the
  // same save into the form before or after this runs; both agree.
  Marker.prototype.applyPending = function () {
    if (!this.form) return;
    var entry = null;
    try {
      entry = JSON.parse(window.localStorage.getItem(
        this.form.getAttribute("data-storage-key")) || "null");
    } catch (e) { return; }
    var saved = parseInt(this.form.getAttribute("data-revision"), 10) || 0;
    if (!entry || !entry.form || !(entry.revision > saved) || !("spans" in entry.form)) return;
    var wanted = {}, self = this;
    parseRanges(entry.form.spans).forEach(function (span) {
      wanted[key(span)] = true;
      self.boxFor(span);
    });
    this.spanBoxes().forEach(function (box) { box.checked = !!wanted[box.value]; });
    if (this.none) this.none.checked = (entry.form.spans_none || []).length > 0;
  };

  // The checkbox that stands for ``span``: its sentence's, or a (new) hidden passage box.
  Marker.prototype.boxFor = function (span) {
    var value = key(span);
    var found = this.spanBoxes().filter(function (box) { return box.value === value; });
    if (found.length) return found[0];
    this.made += 1;
    var id = this.uid + "-passage-js-" + this.made;
    var wrap = make("div", { "class": "option" });
    var box = make("input", { type: "checkbox", id: id, name: "spans", value: value });
    wrap.appendChild(box);
    wrap.appendChild(make("label", { "for": id },
                          "Passage you marked: “" + this.passage(span) + "”"));
    this.hidden.appendChild(wrap);
    return box;
  };

  Marker.prototype.passage = function (span) {
    var out = this.tokens[span[0]].text;
    for (var i = span[0] + 1; i <= span[1]; i++) out += this.gaps[i] + this.tokens[i].text;
    return out.replace(/\s+/g, " ");
  };

  Marker.prototype.marked = function () {
    var seen = {}, n = this.tokens.length;
    return parseRanges(this.spanBoxes().filter(function (box) { return box.checked; })
      .map(function (box) { return box.value; }))
      .filter(function (span) {
        var fresh = !seen[key(span)] && span[0] <= span[1] && span[1] < n;
        seen[key(span)] = true;
        return fresh;
      })
      .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
  };

  // ---- changes ------------------------------------------------------------------------------
  Marker.prototype.changed = function (box, message) {
    this.render();
    if (message) this.announce(message);
    // exam.js autosaves on a "change" from a named field of the form.
    this.dispatching = true;
    try {
      box.dispatchEvent(new Event("change", { bubbles: true }));
    } finally {
      this.dispatching = false;
    }
  };

  Marker.prototype.selection = function () {
    if (this.anchor === null || this.cursor === null) return null;
    return [Math.min(this.anchor, this.cursor), Math.max(this.anchor, this.cursor)];
  };

  Marker.prototype.markSelection = function () {
    var span = this.selection();
    if (!span) { this.announce("Select some words of the response first."); return; }
    // Marks that share a word with the new one join it: marks never overlap after this.
    var first = span[0], last = span[1], joined = 0;
    this.marked().forEach(function (other) {
      if (other[0] <= last && first <= other[1]) {
        first = Math.min(first, other[0]);
        last = Math.max(last, other[1]);
        joined += 1;
      }
    });
    this.spanBoxes().forEach(function (box) {
      var other = parseRanges([box.value])[0];
      if (box.checked && other && other[0] <= last && first <= other[1]) box.checked = false;
    });
    var box = this.boxFor([first, last]);
    box.checked = true;
    if (this.none) this.none.checked = false;
    this.anchor = null;
    this.clearNativeSelection();
    var count = this.marked().length;
    this.changed(box, "Marked “" + this.passage([first, last]) + "”" +
      (joined ? ", joined with " + plural(joined, "passage") + " it overlapped" : "") + ". " +
      plural(count, "passage") + " marked.");
  };

  Marker.prototype.unmark = function (span, fromButton) {
    var value = key(span), last = null;
    this.spanBoxes().forEach(function (box) {
      if (box.checked && box.value === value) { box.checked = false; last = box; }
    });
    if (!last) return;
    var buttons = Array.prototype.slice.call(this.list.querySelectorAll("button"));
    var index = fromButton ? buttons.indexOf(fromButton) : -1;
    this.changed(last, "Removed the mark on “" + this.passage(span) + "”. " +
      plural(this.marked().length, "passage") + " marked.");
    if (fromButton) {
      buttons = this.list.querySelectorAll("button");
      var next = buttons[Math.min(index, buttons.length - 1)];
      (next || this.text).focus();
    }
  };

  Marker.prototype.boxChanged = function (event) {
    var box = event.target;
    if (this.dispatching) return;
    if (box === this.none && box.checked) {
      var cleared = 0;
      this.spanBoxes().forEach(function (other) {
        if (other.checked) { other.checked = false; cleared += 1; }
      });
      this.render();
      this.announce(cleared ? "Removed every mark: you say no part of the response contains " +
                              "an error." : "");
      return;
    }
    if (box.name === "spans" && box.checked && this.none && this.none.checked) {
      this.none.checked = false;
    }
    if (box.name === "spans") this.render();
  };

  // ---- keyboard and mouse -------------------------------------------------------------------
  Marker.prototype.sentenceOf = function (token) {
    for (var i = 0; i < this.sentences.length; i++) {
      var s = this.sentences[i];
      if (s && s[0] <= token && token <= s[1]) return i;
    }
    return -1;
  };

  Marker.prototype.keydown = function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var n = this.tokens.length, last = n - 1, cursor = this.cursor;
    var start = cursor === null, shift = event.shiftKey, to = null, from = null;
    var here = start ? -1 : this.sentenceOf(cursor), sentence;
    switch (event.key) {
      case "ArrowRight": to = start ? 0 : Math.min(last, cursor + 1); break;
      case "ArrowLeft": to = start ? last : Math.max(0, cursor - 1); break;
      case "Home":
        sentence = this.sentences[here];
        to = sentence ? sentence[0] : 0; break;
      case "End":
        sentence = this.sentences[here];
        to = sentence ? sentence[1] : last; break;
      case "ArrowDown":
      case "ArrowUp":
        var next = event.key === "ArrowDown" ? here + 1 : (start ? this.sentences.length - 1
                                                                  : here - 1);
        sentence = this.sentences[Math.max(0, Math.min(this.sentences.length - 1, next))];
        if (!sentence) return;
        from = sentence[0]; to = sentence[1]; shift = true; break;
      case "Enter":
      case " ":
        event.preventDefault();
        this.markSelection();
        return;
      case "Delete":
      case "Backspace":
        event.preventDefault();
        this.unmarkAt(cursor);
        return;
      case "Escape":
        if (start) return;
        event.preventDefault();
        to = cursor; shift = false; break;
      default:
        return;
    }
    event.preventDefault();
    if (from !== null) this.anchor = from;
    else if (!shift) this.anchor = to;
    else if (this.anchor === null) this.anchor = start ? to : cursor;
    this.cursor = to;
    this.showSelection(true);
  };

  Marker.prototype.unmarkAt = function (token) {
    var around = token === null ? [] : this.marked().filter(function (span) {
      return span[0] <= token && token <= span[1];
    });
    if (!around.length) { this.announce("No marked passage here."); return; }
    this.unmark(around[around.length - 1], null);
  };

  Marker.prototype.showSelection = function (speak) {
    var span = this.selection();
    if (!span) { this.updateStatus(); return; }
    var a = this.tokens[span[0]].el.firstChild, b = this.tokens[span[1]].el.firstChild;
    var selection = window.getSelection && window.getSelection();
    if (selection && a && b) {
      this.settingTo = key(span);
      selection.setBaseAndExtent(a, 0, b, b.nodeValue.length);
    }
    this.updateStatus();
    if (speak) {
      var inside = this.marked().some(function (m) { return m[0] <= span[0] && span[1] <= m[1]; });
      this.announce(span[0] === span[1]
        ? "“" + this.passage(span) + "”, word " + (span[0] + 1) + " of " + this.tokens.length +
          (inside ? ", marked" : "")
        : "Selected " + plural(span[1] - span[0] + 1, "word") + ": “" + this.passage(span) + "”" +
          (inside ? ", already marked" : ""));
    }
  };

  // A selection made with the mouse (or touch): every word it covers a character of.
  Marker.prototype.selectionChanged = function () {
    var selection = window.getSelection && window.getSelection();
    if (!selection || !selection.rangeCount) return;
    var range = selection.getRangeAt(0);
    if (!this.text.contains(range.commonAncestorContainer)) return;
    var first = -1, last = -1;
    if (range.collapsed) {
      var node = range.startContainer;
      var token = (node.nodeType === 1 ? node : node.parentNode).closest("[data-t]");
      if (token && this.text.contains(token)) first = last = +token.getAttribute("data-t");
    } else {
      for (var i = 0; i < this.tokens.length; i++) {
        var text = this.tokens[i].el.firstChild;
        if (!text || !text.nodeValue) continue;
        // Some character of the word lies inside the range.
        if (range.comparePoint(text, text.nodeValue.length - 1) !== -1 &&
            range.comparePoint(text, 1) !== 1) {
          if (first < 0) first = i;
          last = i;
        }
      }
    }
    if (first < 0) return;
    if (this.settingTo === key([first, last])) { this.settingTo = null; return; }
    this.anchor = first;
    this.cursor = last;
    this.updateStatus();
  };

  Marker.prototype.clearNativeSelection = function () {
    var selection = window.getSelection && window.getSelection();
    if (selection && selection.rangeCount &&
        this.text.contains(selection.getRangeAt(0).commonAncestorContainer)) {
      selection.removeAllRanges();
    }
  };

  // ---- display ------------------------------------------------------------------------------
  Marker.prototype.updateStatus = function () {
    var span = this.selection();
    // aria-disabled, not disabled: the button stays in the tab order, so it can be found;
    // pressed with nothing selected, it says what to do.
    this.button.setAttribute("aria-disabled", span ? "false" : "true");
    this.status.textContent = span
      ? "Selected: “" + this.passage(span) + "” (" + plural(span[1] - span[0] + 1, "word") + ")."
      : "No words selected.";
  };

  Marker.prototype.announce = function (message) {
    var live = this.live;
    live.textContent = "";
    // Emptied first, then filled after a tick is announced even when the words repeat.
    window.setTimeout(function () { live.textContent = message; }, 50);
  };

  // Marked words are wrapped in <mark> (highlighted by the browser without any stylesheet);
  // the marks are listed as buttons that remove them.
  Marker.prototype.render = function () {
    var spans = this.marked(), on = {}, self = this;
    spans.forEach(function (span) { for (var i = span[0]; i <= span[1]; i++) on[i] = true; });
    var fragment = document.createDocumentFragment(), parent = fragment, before = false;
    this.tokens.forEach(function (token, i) {
      if (!on[i] && before) parent = fragment;
      if (self.gaps[i]) parent.appendChild(document.createTextNode(self.gaps[i]));
      if (on[i] && !before) {
        parent = document.createElement("mark");
        fragment.appendChild(parent);
      }
      parent.appendChild(token.el);
      before = !!on[i];
    });
    if (this.gaps[this.tokens.length]) {
      fragment.appendChild(document.createTextNode(this.gaps[this.tokens.length]));
    }
    while (this.text.firstChild) this.text.removeChild(this.text.firstChild);
    this.text.appendChild(fragment);

    while (this.list.firstChild) this.list.removeChild(this.list.firstChild);
    spans.forEach(function (span) {
      var item = make("li");
      var button = make("button", { type: "button", "class": "span-chip",
                                    "data-span": key(span) });
      button.appendChild(make("span", { "class": "visually-hidden" }, "Remove the mark on "));
      button.appendChild(document.createTextNode("“" + self.passage(span) + "”"));
      button.appendChild(make("span", { "aria-hidden": "true" }, " ×"));
      item.appendChild(button);
      self.list.appendChild(item);
    });
    this.empty.hidden = spans.length > 0;
    this.list.hidden = spans.length === 0;
    this.sentenceBoxes().forEach(function (box) {
      var wrap = box.closest(".option");
      if (wrap) wrap.classList.toggle("span-marked", box.checked);
    });
    if (document.activeElement === this.text) this.showSelection(false);
    else this.updateStatus();
  };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-span-item]"), function (root) {
      if (root.getAttribute("data-span-ready")) return;
      var text = root.querySelector("[data-span-text]");
      var boxes = root.querySelectorAll("input[name=spans], input[name=spans_none]");
      var disabled = Array.prototype.some.call(boxes, function (box) { return box.disabled; });
      // Samples and graders' copies are disabled: they stay as the server drew them.
      if (!text || !text.id || !boxes.length || disabled) return;
      root.setAttribute("data-span-ready", "1");
      var marker = new Marker(root);
      // exam.js restores a queued save on DOMContentLoaded, possibly after this ran: redraw
      // once every DOMContentLoaded handler has run.
      window.setTimeout(function () { marker.render(); }, 0);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
