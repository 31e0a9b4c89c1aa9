// After htmx swaps a list of results in place: if the control that asked for it went away with
// the old list (a page link, "More results"), put keyboard focus on the new list's heading.
document.addEventListener("htmx:afterSettle", function () {
  var active = document.activeElement;
  if (active && active !== document.body && document.contains(active)) return;
  var heading = document.querySelector("[data-results-heading]");
  if (heading) heading.focus();
});

// Typing in a text box of a live form and pressing Enter fires "change" and then "submit":
// the results were asked for twice. A typed value now waits for Enter or the button (a
// ticked box or a choice in a list still asks at once, carrying what was typed with it).
document.addEventListener(
  "change",
  function (event) {
    var field = event.target;
    if (
      field.form &&
      field.form.hasAttribute("hx-trigger") &&
      field.matches("input[type=text], input[type=search], input[type=number], input:not([type])")
    ) {
      event.stopPropagation();
    }
  },
  true
);
