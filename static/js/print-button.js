// Enhancement only: show "Print this list" buttons, which need JavaScript to work.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
