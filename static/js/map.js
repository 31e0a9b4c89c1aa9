// Draws the numbered maps described by templates/partials/_map.html, with Leaflet (shipped by
// django-leaflet). The list beside each map is the primary view: markers are not tab stops,
// and a map that cannot be drawn simply stays hidden.
(function () {
  "use strict";

  function draw(element) {
    if (!window.L || element.dataset.drawn) return;
    var points = JSON.parse(element.dataset.mapPoints);
    if (!points.length) return;
    element.dataset.drawn = "1";
    element.closest(".map-figure").hidden = false;
    var map = L.map(element, { keyboard: false, scrollWheelZoom: false });
    map.attributionControl.setPrefix(false);
    L.tileLayer(element.dataset.tiles, {
      maxZoom: 18,
      attribution: '<a href="https://www.openstreetmap.org/copyright">© OpenStreetMap</a>',
      // The tile server learns our site's name, never the page's address or its query.
      referrerPolicy: "strict-origin",
    }).addTo(map);
    var corners = points.map(function (point) {
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.number + ". " + point.name;
      L.marker([point.lat, point.lng], {
        icon: L.divIcon({ className: "map-marker", html: String(point.number), iconSize: [32, 32] }),
        keyboard: false,
        title: point.number + ". " + point.name,
      }).bindPopup(link).addTo(map);
      return [point.lat, point.lng];
    });
    if (corners.length === 1) {
      map.setView(corners[0], 13);
    } else {
      map.fitBounds(corners, { padding: [24, 24], maxZoom: 13 });
    }
  }

  function drawIn(root) {
    if (root.matches && root.matches("[data-map-points]")) draw(root);
    root.querySelectorAll("[data-map-points]").forEach(draw);
  }

  drawIn(document);
  // Results swapped in place by htmx bring their own map: draw it once htmx has settled (until
  // then an element keeping its id wears the old one's attributes, "already drawn" included).
  document.addEventListener("htmx:afterSettle", function () { drawIn(document); });
})();
