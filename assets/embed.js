// The programme advisor on another site's page. Paste, where the advisor should appear:
//
//   <div data-programme-advisor data-programme="dundee" data-audience="self"></div>
//   <script src="https://ADVISOR-HOST/embed.js" async></script>
//
// Each such element gets an iframe of /embed, as tall as its content (the frame posts its
// height), and dispatches a "programme-advisor:result" event (bubbling, so a listener on
// document hears it too) when a result is shown: event.detail = {eligible, recommended,
// confidence, programme, award} (the programme's slug, and its own name for the suggested
// award). data-programme chooses the programme (the advisor's default when left out).
// Plain ES2017, no build step; see docs/embedding.md.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  // The advisor's base URL is where this script came from (it is served from the site's root,
  // or from the root of the advisor's path prefix).
  var base = new URL(".", script.src);
  var advisorOrigin = base.origin;
  var INITIAL_HEIGHT = 640;
  var MAX_HEIGHT = 100000;
  var frames = [];

  window.addEventListener("message", function (event) {
    if (event.origin !== advisorOrigin) return;
    var data = event.data;
    if (!data || typeof data.type !== "string") return;
    for (var i = 0; i < frames.length; i += 1) {
      var frame = frames[i];
      if (frame.iframe.contentWindow !== event.source) continue;
      if (data.type === "programme-advisor:resize") {
        var height = Number(data.height);
        if (isFinite(height) && height > 0) {
          frame.iframe.style.height = Math.min(Math.ceil(height), MAX_HEIGHT) + "px";
        }
      } else if (data.type === "programme-advisor:result") {
        frame.container.dispatchEvent(
          new CustomEvent("programme-advisor:result", {
            bubbles: true,
            detail: {
              eligible: Boolean(data.eligible),
              recommended: typeof data.recommended === "string" ? data.recommended : null,
              confidence: typeof data.confidence === "string" ? data.confidence : null,
              programme: typeof data.programme === "string" ? data.programme : null,
              award: typeof data.award === "string" ? data.award : null,
            },
          }),
        );
      }
      return;
    }
  });

  function insert(container) {
    if (container.getAttribute("data-programme-advisor-ready") !== null) return;
    container.setAttribute("data-programme-advisor-ready", "");
    var params = new URLSearchParams();
    var audience = container.getAttribute("data-audience");
    var accent = container.getAttribute("data-accent");
    var programme = container.getAttribute("data-programme");
    if (programme) params.set("programme", programme);
    if (audience) params.set("audience", audience);
    if (accent) params.set("accent", accent);
    params.set("origin", window.location.origin);

    var iframe = document.createElement("iframe");
    iframe.src = base.href + "embed/?" + params.toString();
    iframe.title =
      container.getAttribute("data-title") || "Programme advisor: which level of study suits you";
    // "Copy link" inside the frame writes to the clipboard: the host page must delegate it.
    iframe.setAttribute("allow", "clipboard-write");
    iframe.setAttribute("scrolling", "no");
    iframe.setAttribute("loading", "lazy");
    iframe.style.display = "block";
    iframe.style.width = "100%";
    iframe.style.border = "0";
    iframe.style.height = INITIAL_HEIGHT + "px";
    iframe.style.overflow = "hidden";
    frames.push({ iframe: iframe, container: container });
    container.appendChild(iframe);
  }

  function insertAll() {
    var containers = document.querySelectorAll("[data-programme-advisor]");
    for (var i = 0; i < containers.length; i += 1) insert(containers[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", insertAll);
  } else {
    insertAll();
  }
})();
