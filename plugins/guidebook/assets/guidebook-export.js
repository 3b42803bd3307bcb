// guidebook page actions: "Copy page as Markdown" and the assistant links.
// Without JavaScript the menu still works: "View as Markdown" and the "Open in ..." links are
// plain links; only the copy button needs a script, so it stays hidden until this runs.
(function () {
  "use strict";

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

  function copy(button) {
    var label = button.textContent;
    var done = function (text) {
      button.textContent = text;
      window.setTimeout(function () { button.textContent = label; }, 2000);
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
