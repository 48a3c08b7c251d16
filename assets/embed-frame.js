// Inside /embed (loaded by that page only): tells the embedding page (assets/embed.js) how tall
// the advisor's content is and when a result is shown, and opens the advisor's own links in a
// new tab rather than inside the frame.
//
// The page renders this as a plain <script src> in its body, so it runs while the HTML is parsed,
// before the app's own (module) scripts: those read localStorage and sessionStorage at start.
(function () {
  "use strict";
  if (window.programmeAdvisorFrame) return;

  var framed = window.parent !== window;

  // A browser that blocks third-party storage (Chrome with third-party cookies blocked, as in
  // its incognito windows) throws on any use of localStorage inside a frame from another site,
  // and the app would fail to start. Keep the answers in memory instead: the frame works, and
  // only a reload of the host page forgets them.
  function memoryStorage() {
    var items = {};
    var storage = {
      getItem: function (key) {
        return Object.prototype.hasOwnProperty.call(items, key) ? items[key] : null;
      },
      setItem: function (key, value) {
        items[key] = String(value);
      },
      removeItem: function (key) {
        delete items[key];
      },
      clear: function () {
        items = {};
      },
      key: function (index) {
        var keys = Object.keys(items);
        return index < keys.length ? keys[index] : null;
      },
    };
    Object.defineProperty(storage, "length", {
      get: function () {
        return Object.keys(items).length;
      },
    });
    return storage;
  }
  ["localStorage", "sessionStorage"].forEach(function (name) {
    try {
      window[name].getItem("programme-advisor");
    } catch (error) {
      Object.defineProperty(window, name, { value: memoryStorage(), configurable: true });
    }
  });
  if (!framed) {
    // Opened on its own: let the page scroll as any other (the frame's CSS hides overflow).
    document.documentElement.classList.add("advisor-unframed");
  }

  // The same rule as advisor.api.ORIGIN: scheme://host[:port], nothing else.
  var ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$/;
  var given = new URLSearchParams(window.location.search).get("origin") || "";
  // Messages go only to the page that said it embeds us (the browser drops them if another
  // page frames this one); without a valid ?origin= to any parent: they hold no answers.
  var target = given.length <= 255 && ORIGIN.test(given) ? given.toLowerCase() : "*";

  function post(message) {
    if (framed) window.parent.postMessage(message, target);
  }

  // The content's own height: the html element's box, never the viewport (which is the frame's
  // height and would keep it from ever shrinking).
  var reported = 0;
  function reportHeight() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height > 0 && height !== reported) {
      reported = height;
      post({ type: "programme-advisor:resize", height: height });
    }
  }
  if (window.ResizeObserver) {
    var observer = new ResizeObserver(reportHeight);
    observer.observe(document.documentElement);
    if (document.body) observer.observe(document.body);
  }
  window.addEventListener("load", reportHeight);
  reportHeight();

  // Wait for an element the next render brings, then hand it to `then` (or give up after 5 s).
  function whenPresent(id, then) {
    var deadline = Date.now() + 5000;
    (function look() {
      var element = document.getElementById(id);
      if (element) then(element);
      else if (Date.now() < deadline) window.setTimeout(look, 30);
    })();
  }

  // A dialog ("Start again" asks first) is centred in the frame's viewport, which here is the
  // whole content, often far from the button pressed and out of the host page's view: place it
  // just above the button that opened it instead.
  if (framed && window.MutationObserver) {
    new MutationObserver(function () {
      var dialog = document.querySelector("[role=alertdialog]");
      var padding = dialog && dialog.closest(".rt-BaseDialogScrollPadding");
      var opener = document.querySelector('[aria-haspopup="dialog"][aria-expanded="true"]');
      if (!padding || !opener || padding.getAttribute("data-advisor-placed")) return;
      padding.setAttribute("data-advisor-placed", "true");
      var top = opener.getBoundingClientRect().top + window.scrollY;
      padding.style.marginTop = "0";
      padding.style.paddingTop = Math.max(16, Math.round(top - 40)) + "px";
    }).observe(document.documentElement, { childList: true, subtree: true });
  }

  window.programmeAdvisorFrame = {
    // Called by the page's "See the result" (EmbedState.show_result), once per result shown.
    resultShown: function (detail) {
      whenPresent("headline", function (headline) {
        reportHeight();
        post({
          type: "programme-advisor:result",
          eligible: Boolean(detail.eligible),
          recommended: detail.recommended || null,
          confidence: detail.confidence || null,
          programme: detail.programme || null,
          award: detail.award || null,
        });
        // The button pressed is gone: give keyboard and screen-reader users the result.
        headline.setAttribute("tabindex", "-1");
        headline.focus();
      });
    },
  };

  // The advisor's other pages (evidence, method, a saved result) open in a new tab: inside the
  // frame they would replace the questionnaire, with no way back. Captured on window, before
  // the router's own handler on the document turns the click into in-frame navigation.
  window.addEventListener(
    "click",
    function (event) {
      if (!framed || event.defaultPrevented || event.button !== 0) return;
      var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
      if (!link || link.target === "_blank" || link.hasAttribute("download")) return;
      var url = new URL(link.getAttribute("href"), window.location.href);
      var samePage = url.origin === window.location.origin && url.pathname === window.location.pathname;
      if (samePage && url.hash) return;
      event.preventDefault();
      event.stopPropagation();
      window.open(url.href, "_blank", "noopener");
    },
    true,
  );
})();
