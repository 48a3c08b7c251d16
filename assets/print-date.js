// The printed result says when it was printed: each element marked data-print-date="<words>"
// reads "<words><today's date>". Filled when this script runs (the page may have finished
// rendering before it loaded, and then no later change would fill it), whenever one appears, and
// again before printing, so a PDF made without a beforeprint event carries the date too. React
// renders those elements empty and never touches their text.
(() => {
  const fill = () => {
    const today = new Date().toLocaleDateString("en-GB", {
      day: "numeric",
      month: "long",
      year: "numeric",
    });
    for (const el of document.querySelectorAll("[data-print-date]")) {
      const text = `${el.getAttribute("data-print-date")}${today}`;
      if (el.textContent !== text) el.textContent = text;
    }
  };
  fill();
  window.addEventListener("beforeprint", fill);
  new MutationObserver(fill).observe(document.documentElement, { childList: true, subtree: true });
})();
