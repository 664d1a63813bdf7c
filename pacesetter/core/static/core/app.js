// Behaviour the templates ask for with data attributes, so that no page needs an inline
// script or event handler: the Content-Security-Policy runs scripts from this site only.

// <select data-submit-on-change>: choosing an option sends its form (the language).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change")) {
    field.form?.submit();
  }
});

// <form data-reset-after-request="code">: after htmx sent it successfully, empty the form
// and put the cursor back in the named field (the check-in desk, code after code).
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-reset-after-request")) {
    return;
  }
  if (event.detail.successful) {
    form.reset();
    form.elements.namedItem(form.dataset.resetAfterRequest)?.focus();
  }
});

// <input type="checkbox" data-check-all="item">: checks or clears every checkbox named
// "item" of its form (a list's "select all on this page").
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.checkAll || !box.form) {
    return;
  }
  for (const other of box.form.querySelectorAll(`input[type=checkbox][name="${box.dataset.checkAll}"]`)) {
    other.checked = box.checked;
  }
});
// <button class="menu-toggle">: on a phone the top menu folds behind this button (the
// style sheet hides the menu only once this script has marked the bar "collapsible", so
// without scripts every link stays in sight).
for (const toggle of document.querySelectorAll(".menu-toggle")) {
  const bar = toggle.closest(".topbar");
  if (!bar) continue;
  bar.classList.add("collapsible");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    bar.classList.toggle("menu-open", open);
  });
}

// <button data-print hidden>: prints the page (the style sheet has a paper layout).
for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
