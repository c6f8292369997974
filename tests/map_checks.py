"""What the map tests read in any page that draws place names (window, export, widget)."""

# Every label and pin name drawn, as page rectangles, and the pairs overlapping by more than
# a pixel: JSON {count, bad}. An expression: wrap it in « return » for WebDriver.
OVERLAPS_JS = """(function () {
  var els = document.querySelectorAll(".lba-place span, .lba-pin-name");
  var r = [], bad = [];
  els.forEach(function (e) { r.push([e.textContent, e.getBoundingClientRect()]); });
  for (var i = 0; i < r.length; i++) for (var j = i + 1; j < r.length; j++) {
    var a = r[i][1], b = r[j][1];
    if (a.left + 1 < b.right && b.left + 1 < a.right &&
        a.top + 1 < b.bottom && b.top + 1 < a.bottom)
      bad.push(r[i][0] + " / " + r[j][0]);
  }
  var names = [];
  els.forEach(function (e) { names.push(e.textContent); });
  return JSON.stringify({count: r.length, bad: bad, names: names});
})()"""
