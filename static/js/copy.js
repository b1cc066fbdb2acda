// "Kopiera citatet": a button for what is already on the page as text, so the
// page works without JavaScript; with it, the button appears and copies. What
// it says after copying comes from the button's data attributes, in the page's
// language.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var source = document.getElementById(button.dataset.copy);
  var status = button.parentElement.querySelector("[role=status]");
  if (!source || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(source.textContent.trim()).then(
      function () { if (status) status.textContent = button.dataset.copied; },
      function () { if (status) status.textContent = button.dataset.failed; }
    );
  });
});
