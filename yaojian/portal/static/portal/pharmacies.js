// Pharmacy finder: "nearest first" from the browser's position; a map only with a local tile server.
(function () {
  "use strict";
  const form = document.getElementById("pharmacy-form");
  const button = document.getElementById("near-me");
  const status = document.getElementById("near-status");
  const messages = JSON.parse(document.getElementById("pharmacy-messages").textContent || "{}");
  if (button && form) {
    button.addEventListener("click", function () {
      if (!navigator.geolocation) {
        status.textContent = messages.unsupported || "";
        return;
      }
      status.textContent = messages.locating || "";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          document.getElementById("pharmacy-lat").value = position.coords.latitude.toFixed(5);
          document.getElementById("pharmacy-lng").value = position.coords.longitude.toFixed(5);
          status.textContent = "";
          if (window.htmx) window.htmx.trigger(form, "submit");
          else form.submit();
        },
        function () { status.textContent = messages.denied || ""; },
        { timeout: 10000, maximumAge: 600000 }
      );
    });
  }
  const mapElement = document.getElementById("pharmacy-map");
  if (!mapElement || !window.L) return;
  const map = window.L.map(mapElement).setView([28.68, 115.86], 8);
  window.L.tileLayer(mapElement.dataset.tileUrl, { attribution: mapElement.dataset.attribution, maxZoom: 18 }).addTo(map);
  const layer = window.L.layerGroup().addTo(map);
  function plot() {
    layer.clearLayers();
    const points = [];
    document.querySelectorAll("#pharmacy-results [data-lat]").forEach(function (item) {
      const lat = parseFloat(item.dataset.lat), lng = parseFloat(item.dataset.lng);
      if (!isNaN(lat) && !isNaN(lng)) {
        window.L.marker([lat, lng]).bindPopup(item.dataset.name).addTo(layer);
        points.push([lat, lng]);
      }
    });
    if (points.length) map.fitBounds(points, { maxZoom: 15, padding: [20, 20] });
  }
  plot();
  document.body.addEventListener("htmx:afterSwap", plot);
})();
