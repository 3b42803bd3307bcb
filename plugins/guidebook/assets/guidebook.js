/* guidebook: the action picker of connection guide pages.
 *
 * Plain JavaScript, no framework, no network. The page works without it (full guide plus a
 * table of actions); this script reveals the checkboxes and tailors the guide to the actions a
 * reader ticks. The rules are those of guidebook/scopes.py (the browser tests compare both):
 *
 * - nothing selected: the full guide, every declared scope;
 * - otherwise the needed scopes are the union of the selected actions' scopes, and a section or
 *   step carrying data-guide-scopes is shown only when it shares one of them (unscoped ones are
 *   always shown; a hidden section hides its steps); hidden parts get the `hidden` attribute,
 *   so the CSS step counter numbers the visible steps 1..n;
 * - display_scopes steps list the needed scopes (narrowed to their own scopes, if any) and the
 *   selected (or all) actions whose scopes they cover, sorted;
 * - the selection lives in the URL as ?actions=id1,id2; unknown ids are ignored with a note.
 *
 * Material's instant navigation swaps the page without reloading scripts: we initialise on
 * every emission of its `document$` observable and mark each panel, so no panel is ever set up
 * twice.
 */
(function () {
  "use strict";

  if (window.guidebookPicker) {
    return; // the script was evaluated twice: the first copy already listens
  }

  var SEPARATORS = { space: " ", comma: ",", newline: "\n" };
  var PARAM = "actions";
  var api = { updates: 0, panels: 0, init: null };
  window.guidebookPicker = api;
  window.guidebookWords = {of: wordsOf, say: say};  // the catalogue's block uses them too

  function words(value) {
    return (value || "").split(/\s+/).filter(Boolean);
  }

  function sorted(values) {
    return values.slice().sort(function (a, b) {
      return a < b ? -1 : a > b ? 1 : 0;
    });
  }

  function unique(values) {
    var seen = Object.create(null);
    return values.filter(function (v) {
      if (seen[v]) {
        return false;
      }
      seen[v] = true;
      return true;
    });
  }

  function intersects(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (b.indexOf(a[i]) !== -1) {
        return true;
      }
    }
    return false;
  }

  /* The page's words (data-gb-words on the panel or catalogue: the site's catalog), with
     {name} filled in; a plural message's form (`key.zero`, `.one`, `.two`, `.few`, `.many`,
     `.other`: the CLDR categories) by the number n and the words' own language (their
     `lang`: the catalog's, English for a page language without one, never the page's),
     `.other` when the catalog has no text for that form. */
  function wordsOf(el) {
    var holder = el && el.closest("[data-gb-words]");
    try {
      return holder ? JSON.parse(holder.getAttribute("data-gb-words")) : {};
    } catch (error) {
      return {};
    }
  }

  var pluralRules = {};

  /* The CLDR plural category of n in the language `lang` ("other" without Intl or for a
     language tag it does not know). */
  function pluralForm(n, lang) {
    try {
      if (!pluralRules[lang]) {
        pluralRules[lang] = new Intl.PluralRules(lang);
      }
      return pluralRules[lang].select(n);
    } catch (error) {
      return "other";
    }
  }

  function say(words, key, values) {
    values = values || {};
    var text = words[key];
    if (typeof values.n === "number") {
      var form = words[key + "." + pluralForm(values.n, words.lang || "en")];
      text = form !== undefined ? form : words[key + ".other"] !== undefined
        ? words[key + ".other"] : text;
    }
    return String(text === undefined ? key : text).replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  /* The ids of ?actions=a,b in the current address (blanks dropped, duplicates once). */
  function idsFromUrl() {
    var match = new RegExp("[?&]" + PARAM + "=([^&#]*)").exec(window.location.search);
    if (!match) {
      return [];
    }
    var parts = match[1].split(/,|%2C/i).map(function (part) {
      try {
        return decodeURIComponent(part.replace(/\+/g, " ")).trim();
      } catch (e) {
        return "";
      }
    });
    return unique(parts.filter(Boolean));
  }

  /* The current address with ?actions= set to ids (or removed when there are none). */
  function urlWith(ids) {
    var search = window.location.search.replace(/^\?/, "");
    var kept = search.split("&").filter(function (pair) {
      return pair && pair.split("=")[0] !== PARAM;
    });
    if (ids.length) {
      kept.push(PARAM + "=" + ids.map(encodeURIComponent).join(","));
    }
    return window.location.pathname + (kept.length ? "?" + kept.join("&") : "") +
      window.location.hash;
  }

  function copyText(text, fallbackField) {
    function fallback() {
      if (!fallbackField) {
        return false;
      }
      fallbackField.focus();
      fallbackField.select();
      try {
        return document.execCommand("copy");
      } catch (e) {
        return false;
      }
    }
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () {
        return true;
      }, fallback);
    }
    return Promise.resolve(fallback());
  }

  function Picker(panel) {
    this.words = wordsOf(panel);
    this.panel = panel;
    this.root = panel.closest("article") || document;
    this.actions = JSON.parse(panel.getAttribute("data-guide-actions-json") || "[]");
    this.declared = sorted(unique([].concat.apply([], this.actions.map(function (a) {
      return a.scopes || [];
    }))));
    this.checks = [].slice.call(panel.querySelectorAll("input.gb-scopes__check"));
    this.search = panel.querySelector("[data-gb-search]");
    this.field = panel.querySelector("[data-gb-scope-string]");
    this.live = panel.querySelector("[data-gb-live]");
    this.note = panel.querySelector("[data-gb-unknown]");
    this.separator = "space";
    this.lastAnnounced = null;
  }

  Picker.prototype.start = function () {
    var self = this;
    var panel = this.panel;
    this.checks.forEach(function (box) {
      box.hidden = false;
    });
    [].forEach.call(panel.querySelectorAll("[data-gb-js-only]"), function (el) {
      el.hidden = false;
    });
    var checkedSeparator = panel.querySelector("[data-gb-separator]:checked");
    if (checkedSeparator) {
      this.separator = checkedSeparator.value;
    }

    var known = this.actions.map(function (a) {
      return a.id;
    });
    var fromUrl = idsFromUrl();
    var unknown = fromUrl.filter(function (id) {
      return known.indexOf(id) === -1;
    });
    this.checks.forEach(function (box) {
      box.checked = fromUrl.indexOf(box.value) !== -1;
    });
    if (this.note) {
      this.note.hidden = !unknown.length;
      this.note.textContent = unknown.length
        ? say(this.words, "picker.unknown", {n: unknown.length, ids: unknown.join(", ")})
        : "";
    }

    panel.addEventListener("change", function (event) {
      var target = event.target;
      if (target.matches("input.gb-scopes__check")) {
        self.update(true);
      } else if (target.matches("[data-gb-separator]")) {
        self.separator = target.value;
        self.update(false);
      }
    });
    panel.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !panel.contains(button)) {
        return;
      }
      if (button.hasAttribute("data-gb-select-all")) {
        self.setAll(true);
      } else if (button.hasAttribute("data-gb-clear")) {
        self.setAll(false);
      } else if (button.hasAttribute("data-gb-copy")) {
        self.copyAll(button);
      }
    });
    if (this.search) {
      this.search.addEventListener("input", function () {
        self.filter(self.search.value);
      });
    }
    [].forEach.call(this.root.querySelectorAll("[data-guide-scope-chips]"), function (list) {
      list.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-gb-chip]");
        if (button) {
          copyText(button.getAttribute("data-gb-chip"), null).then(function (ok) {
            self.say(ok ? say(self.words, "picker.copied_scope",
                                  {scope: button.getAttribute("data-gb-chip")})
              : say(self.words, "picker.copy_failed"));
          });
        }
      });
    });
    this.update(false, fromUrl.length > 0);
  };

  Picker.prototype.selected = function () {
    var ticked = this.checks.filter(function (box) {
      return box.checked;
    }).map(function (box) {
      return box.value;
    });
    return this.actions.map(function (a) {
      return a.id;
    }).filter(function (id) {
      return ticked.indexOf(id) !== -1;
    });
  };

  Picker.prototype.setAll = function (on) {
    this.checks.forEach(function (box) {
      var row = box.closest("tr");
      if (!on || !row || !row.hidden) {
        box.checked = on;
      }
    });
    this.update(true);
  };

  Picker.prototype.filter = function (query) {
    var q = query.trim().toLowerCase();
    var shown = 0;
    [].forEach.call(this.panel.querySelectorAll("tr[data-action-id]"), function (row) {
      var match = !q || row.textContent.toLowerCase().indexOf(q) !== -1 ||
        row.getAttribute("data-action-id").toLowerCase().indexOf(q) !== -1;
      row.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    var empty = this.panel.querySelector("[data-gb-no-match]");
    if (empty) {
      empty.hidden = shown > 0;
    }
  };

  Picker.prototype.say = function (message) {
    if (this.live) {
      // Re-setting the same text is not announced again; a trailing space makes it new.
      this.live.textContent = message === this.live.textContent ? message + " " : message;
    }
  };

  Picker.prototype.update = function (writeUrl, announce) {
    var self = this;
    var ids = this.selected();
    var empty = ids.length === 0;
    var chosen = this.actions.filter(function (a) {
      return ids.indexOf(a.id) !== -1;
    });
    var needed = empty ? this.declared : sorted(unique([].concat.apply([], chosen.map(function (a) {
      return a.scopes || [];
    }))));
    function shown(el) {
      var own = words(el.getAttribute("data-guide-scopes"));
      return empty || own.length === 0 || intersects(own, needed);
    }

    var hiddenSteps = 0;
    // A connector page's actions catalogue shows the ticked actions (all when none is).
    [].forEach.call(this.root.querySelectorAll("[data-guide-action-id]"), function (item) {
      item.hidden = !empty && ids.indexOf(item.getAttribute("data-guide-action-id")) === -1;
    });
    [].forEach.call(this.root.querySelectorAll("[data-guide-action-group]"), function (group) {
      group.hidden = !group.querySelector("[data-guide-action-id]:not([hidden])");
    });
    [].forEach.call(this.root.querySelectorAll("[data-guide-section]"), function (section) {
      section.hidden = !shown(section);
    });
    [].forEach.call(this.root.querySelectorAll("ol.gb-steps"), function (list) {
      var section = list.closest("[data-guide-section]");
      var sectionShown = !section || !section.hidden;
      var number = 0;
      var last = null;
      [].forEach.call(list.children, function (step) {
        if (!step.hasAttribute("data-guide-step")) {
          return;
        }
        var visible = sectionShown && shown(step);
        step.hidden = !visible;
        step.removeAttribute("data-gb-last");
        if (visible) {
          number += 1;
          step.setAttribute("data-gb-number", String(number));
          last = step;
        } else {
          step.removeAttribute("data-gb-number");
          hiddenSteps += 1;
        }
      });
      if (last) {
        last.setAttribute("data-gb-last", "");
      }
    });

    var actions = this.actions;
    [].forEach.call(this.root.querySelectorAll("[data-guide-display-scopes]"), function (box) {
      var step = box.closest("[data-guide-step]");
      var own = step ? words(step.getAttribute("data-guide-scopes")) : [];
      var chips = own.length ? needed.filter(function (s) {
        return own.indexOf(s) !== -1;
      }) : needed;
      var enables = sorted(actions.filter(function (a) {
        var scopes = a.scopes || [];
        return scopes.length && (empty || ids.indexOf(a.id) !== -1) &&
          (!own.length || intersects(own, scopes));
      }).map(function (a) {
        return a.label;
      }));
      var list = box.querySelector("[data-guide-scope-chips]");
      if (list) {
        list.textContent = "";
        chips.forEach(function (scope) {
          var item = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.className = "gb-chip-button";
          button.setAttribute("data-gb-chip", scope);
          button.title = say(self.words, "picker.copy_scope", {scope: scope});
          var hint = document.createElement("span");
          hint.className = "gb-visually-hidden";
          hint.textContent = say(self.words, "picker.copy_hint") + " ";
          var code = document.createElement("code");
          code.className = "gb-chip";
          code.textContent = scope;
          button.appendChild(hint);
          button.appendChild(code);
          item.appendChild(button);
          list.appendChild(item);
        });
        var none = box.querySelector("[data-gb-no-scopes]");
        if (!none) {
          none = document.createElement("p");
          none.className = "gb-step__scopes-none";
          none.setAttribute("data-gb-no-scopes", "");
          none.textContent = say(self.words, "picker.no_scope_here");
          list.parentNode.insertBefore(none, list.nextSibling);
        }
        none.hidden = chips.length > 0;
      }
      var enablesText = box.querySelector("[data-guide-enables]");
      if (enablesText) {
        enablesText.textContent = enables.length ? enables.join(", ")
          : say(self.words, "picker.none");
      }
    });

    var title = this.panel.querySelector("[data-gb-result-title]");
    if (title) {
      title.textContent = empty ? say(this.words, "picker.all_scopes")
        : say(this.words, "picker.selected_count", {n: needed.length});
    }
    if (this.field) {
      this.field.value = needed.join(SEPARATORS[this.separator] || " ");
      this.field.rows = this.separator === "newline" ? Math.min(Math.max(needed.length, 2), 12) : 2;
    }

    if (writeUrl) {
      window.history.replaceState(window.history.state, "", urlWith(ids));
    }
    if (writeUrl || announce) {
      this.say(say(this.words, "picker.steps_hidden", {n: hiddenSteps}));
    }
    this.panel.setAttribute("data-gb-hidden-steps", String(hiddenSteps));
    api.updates += 1;
  };

  Picker.prototype.copyAll = function (button) {
    var self = this;
    var text = this.field ? this.field.value : "";
    var count = text ? words(text.replace(/,/g, " ")).length : 0;
    copyText(text, this.field).then(function (ok) {
      self.say(ok ? say(self.words, "picker.copied_scopes", {n: count})
        : say(self.words, "picker.copy_failed_hint"));
      var label = button.getAttribute("data-gb-label") || button.textContent;
      button.setAttribute("data-gb-label", label);
      button.textContent = say(self.words, ok ? "picker.copied" : "picker.copy_failed");
      window.setTimeout(function () {
        button.textContent = label;
      }, 1500);
    });
  };

  /* Start `make(el)` once on every element of `selector`, on load and after each of
     Material's instant-navigation swaps (each element marked, so listeners never double up);
     returns the function that does it below a root. A broken element keeps its plain HTML. */
  function startAll(selector, make, what) {
    function init(root) {
      [].forEach.call((root || document).querySelectorAll(selector), function (el) {
        if (el.hasAttribute("data-gb-ready")) {
          return;
        }
        el.setAttribute("data-gb-ready", "");
        try {
          make(el);
        } catch (e) {
          el.removeAttribute("data-gb-ready");
          if (window.console) {
            window.console.error("guidebook: the " + what + " could not start", e);
          }
        }
      });
    }
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(function () {
        init(document);
      });
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () {
        init(document);
      });
    } else {
      init(document);
    }
    return init;
  }

  window.guidebookWords.start = startAll;
  api.init = startAll("[data-guides-scope-selector]", function (panel) {
    // A broken panel leaves the full guide and the plain table, which are still correct.
    new Picker(panel).start();
    api.panels += 1;
  }, "action picker");
})();

/* guidebook: the connectors catalogue (connectors/).
 *
 * Without this script the page is a list of connector cards grouped by category. The script
 * reveals the parts marked data-gb-js-only (a text filter and category chips) and filters the
 * cards by toggling `hidden`; nothing is re-rendered. Each card's text is read once, lowercase:
 * its link (name, and the connector key its href ends in) and its lines but the last (the
 * number of guides), without their <b> labels. A card shows when it contains every word typed; a chip
 * shows one category's group. The live region says how many connectors (not cards: a
 * connector has a card under each of its categories) are shown. The filter lives in the URL as
 * ?filter=...&category=... (read on load, written with history.replaceState; not ?q=, which
 * opens Material's search dialog).
 *
 * Like the action picker it initialises on every emission of Material's `document$` and marks
 * each catalogue it set up, so instant navigation never sets one up twice.
 */
(function () {
  "use strict";

  if (window.guidebookCatalogue) {
    return;
  }

  var FILTER = "filter";
  var CATEGORY = "category";
  var api = { catalogues: 0, updates: 0, init: null };
  window.guidebookCatalogue = api;
  var wordsOf = window.guidebookWords.of;
  var say = window.guidebookWords.say;

  /* The connector key a card links to: the last folder of its path (Material's instant
   * navigation may have made the href absolute; with use_directory_urls: false it ends in
   * index.html). */
  function keyOf(link) {
    var path = link.pathname.replace(/\/index\.html$/, "").replace(/\/+$/, "");
    try {
      return decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
    } catch (e) {
      return path;
    }
  }

  function cardText(card) {
    var link = card.querySelector("a");
    var parts = link ? [link.textContent, keyOf(link)] : [];
    var lines = card.querySelectorAll("p");
    for (var i = 0; i < lines.length - 1; i++) {
      [].forEach.call(lines[i].childNodes, function (node) {
        if (node.nodeName !== "B") {
          parts.push(node.textContent);
        }
      });
    }
    return parts.join("\n").toLowerCase();
  }

  function Catalogue(root) {
    this.root = root;
    this.words = wordsOf(root);
    this.input = root.querySelector("[data-gb-filter]");
    this.chips = [].slice.call(root.querySelectorAll("[data-gb-category]"));
    this.live = root.querySelector("[data-gb-live]");
    this.empty = root.querySelector("[data-gb-no-match]");
    this.category = "";
    this.groups = [].map.call(root.querySelectorAll("[data-gb-group]"), function (group) {
      return {
        el: group,
        name: group.getAttribute("data-gb-group"),
        cards: [].map.call(group.querySelectorAll(".gb-cards > li"), function (card) {
          var link = card.querySelector("a");
          return { el: card, id: link ? keyOf(link) : "", text: cardText(card) };
        }),
      };
    });
  }

  Catalogue.prototype.start = function () {
    var self = this;
    [].forEach.call(this.root.querySelectorAll("[data-gb-js-only]"), function (el) {
      el.hidden = false;
    });
    var params = new URLSearchParams(window.location.search);
    if (this.input) {
      this.input.value = params.get(FILTER) || "";
      this.input.addEventListener("input", function () {
        self.update(true);
      });
    }
    this.category = this.known(params.get(CATEGORY) || "");
    this.root.addEventListener("click", function (event) {
      var chip = event.target.closest("[data-gb-category]");
      if (chip && self.root.contains(chip)) {
        var name = chip.getAttribute("data-gb-category");
        // Pressing the chip of the category shown goes back to all of them.
        self.category = name === self.category ? "" : name;
        self.update(true);
      }
    });
    this.update(false);
  };

  /* The category of that name (any letter case), or "" for none. */
  Catalogue.prototype.known = function (name) {
    var wanted = name.trim().toLowerCase();
    for (var i = 0; i < this.groups.length; i++) {
      if (wanted && this.groups[i].name.toLowerCase() === wanted) {
        return this.groups[i].name;
      }
    }
    return "";
  };

  Catalogue.prototype.update = function (writeUrl) {
    var words = (this.input ? this.input.value : "").toLowerCase().split(/\s+/).filter(Boolean);
    var category = this.category;
    var seen = Object.create(null);
    var shown = 0;
    this.groups.forEach(function (group) {
      if (category && group.name !== category) {
        group.el.hidden = true; // (its cards are set again when it shows)
        return;
      }
      var any = false;
      group.cards.forEach(function (card) {
        var on = words.every(function (word) {
          return card.text.indexOf(word) !== -1;
        });
        if (card.el.hidden === on) {
          card.el.hidden = !on;
        }
        if (on) {
          any = true;
          if (!seen[card.id]) {
            seen[card.id] = true;
            shown += 1;
          }
        }
      });
      if (group.el.hidden === any) {
        group.el.hidden = !any;
      }
    });
    this.chips.forEach(function (chip) {
      chip.setAttribute("aria-pressed",
        String(chip.getAttribute("data-gb-category") === category));
    });
    if (this.empty) {
      this.empty.hidden = shown > 0;
    }
    if (this.live) {
      this.live.textContent = say(this.words, "index.shown", {n: shown});
    }
    this.root.setAttribute("data-gb-shown", String(shown));
    if (writeUrl) {
      var params = new URLSearchParams(window.location.search);
      var query = this.input ? this.input.value.trim() : "";
      if (query) {
        params.set(FILTER, query);
      } else {
        params.delete(FILTER);
      }
      if (category) {
        params.set(CATEGORY, category);
      } else {
        params.delete(CATEGORY);
      }
      var search = params.toString();
      window.history.replaceState(window.history.state, "", window.location.pathname +
        (search ? "?" + search : "") + window.location.hash);
    }
    api.updates += 1;
  };

  // The plain list of connectors stays when a catalogue cannot start: it is still correct.
  api.init = window.guidebookWords.start("[data-gb-catalogue]", function (el) {
    new Catalogue(el).start();
    api.catalogues += 1;
  }, "connectors catalogue");
})();
