// Enhancement only: show C-SSRS questions 3-5 only after a yes to question 2. Without
// JavaScript every question shows, with a note saying when to answer them.
document.querySelectorAll("[data-follow-up-of]").forEach((group) => {
  const form = group.closest("form");
  const name = group.dataset.followUpOf;
  const note = group.querySelector("[data-no-script-note]");
  if (note) note.hidden = true;
  const update = () => {
    const yes = form.querySelector(`input[name="${name}"][value="yes"]`);
    const show = Boolean(yes && yes.checked);
    group.hidden = !show;
    if (!show) {
      // Not asked, so not answered: a hidden answer must not be sent.
      group.querySelectorAll("input:checked").forEach((input) => { input.checked = false; });
    }
  };
  form.querySelectorAll(`input[name="${name}"]`).forEach((input) => {
    input.addEventListener("change", update);
  });
  update();
});
