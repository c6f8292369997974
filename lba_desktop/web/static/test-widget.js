/* Builds the widget URL and its iframe snippet from the form, and shows a live preview. */
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const fields = { caller: "t-caller", romes: "t-romes", job_name: "t-job", lat: "t-lat", lon: "t-lon",
    zipcode: "t-zipcode", insee: "t-insee", radius: "t-radius", diploma: "t-diploma", opco: "t-opco",
    return_uri: "t-return", return_logo_url: "t-logo" };

  function build() {
    const query = new URLSearchParams();
    for (const [name, id] of Object.entries(fields)) {
      const value = $(id).value.trim();
      if (value) query.set(name, value);
    }
    if ($("t-frozen").checked) query.set("frozen_job", "1");
    if (!$("t-map").checked) query.set("displayMap", "0");
    const url = window.location.origin + "/" + $("t-scope").value + "?" + query.toString();
    const height = Math.max(300, Number($("t-height").value) || 640);
    $("t-code").value = '<iframe src="' + url.replace(/"/g, "&quot;") + '" title="La Bonne Alternance" ' +
      'style="width:100%;height:' + height + 'px;border:0" loading="lazy"></iframe>';
    $("t-apercu").style.height = height + "px";
    $("t-apercu").src = url;
  }

  $("reglages").addEventListener("submit", (event) => { event.preventDefault(); build(); });
  $("t-copier").addEventListener("click", async () => {
    $("t-code").select();
    try { await navigator.clipboard.writeText($("t-code").value); } catch (e) { document.execCommand("copy"); }
  });
  build();
})();
