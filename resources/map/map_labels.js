/* Place names drawn under the markers of every map of LBA Desktop (window, HTML export,
   widget): communes by size with the zoom, département names, the search centre as a pin
   with its name and the young person's home. No label is drawn over another one.

   Every text reaches the page through `text()` (textContent): names, the centre's label and
   the home's are shown as typed, never read as HTML. */
(function () {
  "use strict";
  var FIRST_ZOOM = 5;
  var DEPARTEMENT_LAST_ZOOM = 10;
  // Kinds as lba_desktop/place_names.py numbers them: font and class of each.
  var FONTS = ["600 11px sans-serif", "bold 14px sans-serif", "600 13px sans-serif",
               "12px sans-serif", "11px sans-serif"];
  var HEIGHTS = [14, 17, 16, 15, 14];
  var CLASSES = ["lba-dep", "lba-city", "lba-pref", "lba-town", "lba-village"];
  var measurer = document.createElement("canvas").getContext("2d");

  function text(el, s) {
    el.textContent = String(s == null ? "" : s);
    return el;
  }
  function width(kind, s) {
    measurer.font = FONTS[kind];
    var w = measurer.measureText(kind === 0 ? s.toUpperCase() : s).width;
    return kind === 0 ? w + s.length * 1.5 : w;   // département names are letter-spaced
  }
  function overlaps(a, boxes) {
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i];
      if (a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]) { return true; }
    }
    return false;
  }

  /* rows: [name, lat, lon, zoom, kind], in priority order (earlier wins a collision). */
  function attach(map, rows, options) {
    options = options || {};
    var labelPane = map.getPane("lbaLabels") || map.createPane("lbaLabels");
    labelPane.style.zIndex = options.zIndex || 390;   // over outlines/tiles, under markers
    labelPane.style.pointerEvents = "none";
    var root = L.DomUtil.create("div", "lba-places", labelPane);
    var pins = {};        // "centre" / "home" → {lat, lon, label}
    var shown = [];       // names drawn now, for tests: [name, kind]

    // A pin's name goes right of it, or left when that place is taken (home next to the
    // centre at a country view); the pins themselves are always drawn.
    function pinElement(kind, pin, boxes) {
      var p = map.latLngToLayerPoint([pin.lat, pin.lon]);
      var el = L.DomUtil.create("div", "lba-pin lba-pin-" + kind, root);
      L.DomUtil.setPosition(el, p);
      var name = text(L.DomUtil.create("span", "lba-pin-name", el), pin.label);
      var w = width(1, pin.label || "") + 8;
      var right = [p.x + 10, p.y - 30, p.x + 14 + w, p.y - 10];
      var left = [p.x - 14 - w, p.y - 30, p.x - 10, p.y - 10];
      if (overlaps(right, boxes) && !overlaps(left, boxes)) {
        name.style.right = "14px";
        boxes.push(left);
      } else {
        name.style.left = "14px";
        boxes.push(right);
      }
      boxes.push([p.x - 12, p.y - 32, p.x + 10, p.y + 2]);
      shown.push([pin.label, kind]);
    }

    function redraw() {
      root.textContent = "";
      shown = [];
      var boxes = [];
      if (pins.centre) { pinElement("centre", pins.centre, boxes); }
      if (pins.home) { pinElement("home", pins.home, boxes); }
      var z = Math.floor(map.getZoom() + 1e-6);
      if (z < FIRST_ZOOM) { return; }
      var bounds = map.getBounds().pad(0.05);
      var south = bounds.getSouth(), north = bounds.getNorth();
      var west = bounds.getWest(), east = bounds.getEast();
      var frag = document.createDocumentFragment();
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        if (r[3] > z) { continue; }
        if (r[4] === 0 && z > DEPARTEMENT_LAST_ZOOM) { continue; }
        if (r[1] < south || r[1] > north || r[2] < west || r[2] > east) { continue; }
        var p = map.latLngToLayerPoint([r[1], r[2]]);
        var w = width(r[4], r[0]) + 4;
        var h = HEIGHTS[r[4]];
        // A commune's name sits above its dot; a département's is centred on its point.
        var box = r[4] === 0 ? [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2]
                             : [p.x - w / 2, p.y - h - 3, p.x + w / 2, p.y + 3];
        if (overlaps(box, boxes)) { continue; }
        boxes.push(box);
        var el = L.DomUtil.create("div", "lba-place " + CLASSES[r[4]]);
        text(L.DomUtil.create("span", "", el), r[0]);
        L.DomUtil.setPosition(el, p);
        frag.appendChild(el);
        shown.push([r[0], r[4]]);
      }
      root.appendChild(frag);
    }

    // Labels are placed for one zoom: hidden while Leaflet animates to the next.
    map.on("zoomstart", function () { root.style.visibility = "hidden"; });
    map.on("zoomend moveend viewreset resize", function () {
      redraw();
      root.style.visibility = "";
    });
    redraw();
    return {
      setPin: function (kind, pin) {
        if (pin && isFinite(pin.lat) && isFinite(pin.lon)) {
          pins[kind] = {lat: +pin.lat, lon: +pin.lon, label: String(pin.label || "")};
        } else {
          delete pins[kind];
        }
        redraw();
      },
      setRows: function (newRows) { rows = newRows || []; redraw(); },
      shown: function () { return shown.slice(); },
      redraw: redraw
    };
  }

  window.LbaPlaces = {attach: attach, text: text};
})();
