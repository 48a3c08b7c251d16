// "Copy link" on a result (its own page and the embedded frame): copies the link and says so
// only once the browser has confirmed it. A browser may refuse (a frame whose page did not
// delegate clipboard-write, a page served over plain HTTP from another machine, a denied
// permission): then the link is shown in a field, selected, for copying by hand.
//
// Markup (advisor/pages/result.py, copy_button and copy_feedback): a button with
// data-copy-link="<path or URL>" and data-copy-to="<name>", a live region with id
// "<name>-status" and a hidden read-only input "<name>-field". Delegated from document, so
// React's re-renders never lose the handler.
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("[data-copy-link]");
  if (!button) return;
  const name = button.getAttribute("data-copy-to");
  const status = document.getElementById(`${name}-status`);
  const field = document.getElementById(`${name}-field`);
  if (!status || !field) return;
  const url = new URL(button.getAttribute("data-copy-link"), window.location.href).href;
  const copied = button.getAttribute("data-copy-done") || "Link copied.";

  const refused = () => {
    field.value = url;
    field.hidden = false;
    field.focus();
    field.select();
    status.textContent =
      "Your browser did not let the advisor copy the link. It is selected in the field " +
      "below: copy it with Ctrl+C (Cmd+C on a Mac).";
  };
  status.textContent = "";
  if (!navigator.clipboard || !navigator.clipboard.writeText) {
    refused();
    return;
  }
  navigator.clipboard.writeText(url).then(() => {
    field.hidden = true;
    status.textContent = copied;
  }, refused);
});
