// After htmx swaps a list of results in place: if the control that asked for it went away with
// the old list (a page link, "More results"), put keyboard focus on the new list's heading.
document.addEventListener("htmx:afterSettle", function () {
  var active = document.activeElement;
  if (active && active !== document.body && document.contains(active)) return;
  var heading = document.querySelector("[data-results-heading]");
  if (heading) heading.focus();
});
