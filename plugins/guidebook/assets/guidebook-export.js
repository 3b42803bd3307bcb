// guidebook page actions: "Copy page as Markdown" and the assistant links.
// Without JavaScript the menu still works: "View as Markdown" and the "Open in ..." links are
// plain links; only the copy button needs a script, so it stays hidden until this runs.
(function () {
  "use strict";

  // Each page's <head> names its twin: <link rel="alternate" type="text/markdown" href="…md">,
  // which agents find with link[rel="alternate"][type="text/markdown"]. Material's language
  // switcher (in 9.8; 9.2 has none) reads every link[rel=alternate] of the document as
  // another language version of the site and fetches sitemap.xml beside it, on load and
  // after every instant navigation: beside a twin that file does not exist (a 404 on every
  // page view). No shape of the link can tell the two apart (both select rel=alternate), so:
  // Material asks document.querySelectorAll("link[rel=alternate]") at DOMContentLoaded and
  // after each navigation, and this script, loaded before DOMContentLoaded (as
  // extra_javascript is), leaves the Markdown links out of that one answer. The page keeps
  // them; every other query is untouched.
  var query = document.querySelectorAll;
  var ALTERNATES = /^\s*link\[rel=(["']?)alternate\1\]\s*$/;
  document.querySelectorAll = function (selectors) {
    var found = query.apply(this, arguments);
    if (typeof selectors !== "string" || !ALTERNATES.test(selectors)) return found;
    return Array.prototype.filter.call(found, function (link) {
      return (link.getAttribute("type") || "").toLowerCase() !== "text/markdown";
    });
  };

  function absolute(href) {
    return new URL(href, window.location.href).href;
  }

  function setup() {
    document.querySelectorAll("[data-gb-copy-markdown][hidden]").forEach(function (button) {
      if (navigator.clipboard && window.fetch) button.hidden = false;
    });
    document.querySelectorAll("a[data-gb-open-template]").forEach(function (link) {
      var template = link.getAttribute("data-gb-open-template");
      var twin = absolute(link.getAttribute("data-gb-markdown"));
      link.href = template.split("{url}").join(encodeURIComponent(twin));
    });
  }

  // A polite status region beside the button, so a screen reader hears the result too.
  function status(button) {
    var region = button.parentNode.querySelector("[data-gb-copy-status]");
    if (!region) {
      region = document.createElement("span");
      region.setAttribute("role", "status");
      region.setAttribute("data-gb-copy-status", "");
      button.parentNode.insertBefore(region, button.nextSibling);
    }
    return region;
  }

  function copy(button) {
    // The label is kept once: a second click while "Copied" shows must not keep that.
    if (!button.hasAttribute("data-gb-label")) {
      button.setAttribute("data-gb-label", button.textContent);
    }
    var label = button.getAttribute("data-gb-label");
    var region = status(button);
    var done = function (text) {
      button.textContent = text;
      // Re-setting the same text is not announced again; a trailing space makes it new.
      region.textContent = region.textContent === text ? text + " " : text;
      window.clearTimeout(button.gbRestore);
      button.gbRestore = window.setTimeout(function () { button.textContent = label; }, 2000);
    };
    fetch(absolute(button.getAttribute("data-gb-copy-markdown")))
      .then(function (response) {
        if (!response.ok) throw new Error(response.statusText);
        return response.text();
      })
      .then(function (text) { return navigator.clipboard.writeText(text); })
      .then(function () { done(button.getAttribute("data-gb-copied") || "Copied"); },
            function () { done(button.getAttribute("data-gb-failed") || "Copy failed"); });
  }

  // One delegated listener survives Material's instant navigation (content is swapped).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-gb-copy-markdown]");
    if (button) {
      event.preventDefault();
      copy(button);
    }
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup); // Material: runs on every (instant) page load
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
