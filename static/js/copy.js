// "Kopiera citatet": a button for what is already on the page as text, so the
// page works without JavaScript; with it, the button appears and copies.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var source = document.getElementById(button.dataset.copy);
  var status = button.parentElement.querySelector("[role=status]");
  if (!source || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(source.textContent.trim()).then(
      function () { if (status) status.textContent = "Citatet är kopierat."; },
      function () { if (status) status.textContent = "Kunde inte kopiera. Markera texten och kopiera den själv."; }
    );
  });
});
