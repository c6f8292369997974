/* The search widget: métier and place fields, kind toggles with counts, list and map.
   Plain JavaScript over the local V1 API; the upstream widget's URL parameters are honoured. */
"use strict";

(function () {
  const params = new URLSearchParams(window.location.search);
  const scope = document.body.dataset.scope || "both";
  const token = params.get("token") || "";
  const caller = params.get("caller") || "lba-desktop-widget";
  const KINDS = [
    { id: "formation", label: "Formations", one: "Formation" },
    { id: "offre", label: "Offres d'emploi", one: "Offre d'emploi" },
    { id: "partenariat", label: "Partenariats", one: "Partenariat" },
    { id: "entreprise", label: "Entreprises", one: "Entreprise" },
  ];
  const SCOPE_KINDS = {
    trainings: ["formation"],
    jobs: ["offre", "partenariat", "entreprise"],
    both: ["formation", "offre", "partenariat", "entreprise"],
  };
  const kinds = KINDS.filter((k) => SCOPE_KINDS[scope].includes(k.id));
  const LEVEL_BY_DIGIT = {};
  for (const option of document.querySelectorAll("#niveau option")) {
    if (option.value) LEVEL_BY_DIGIT[option.value.charAt(0)] = option.value;
  }

  const $ = (id) => document.getElementById(id);
  const form = $("recherche");
  const metierInput = $("metier");
  const lieuInput = $("lieu");
  const rayon = $("rayon");
  const niveau = $("niveau");
  const message = $("message");
  const liste = $("liste");

  const state = {
    romes: [],
    metierLabel: "",
    place: null, // {lat, lon, insee, label}
    rows: [],
    selected: null,
    shown: new Set(kinds.map((k) => k.id)),
    opco: params.get("opco") || "",
    opcoUrl: (params.get("opcoUrl") || "").trim().slice(0, 200), // an OPCO's site, as upstream
    rncp: "", // set when the widget was opened with `rncp=` and no `romes`
  };

  // --- helpers ----------------------------------------------------------------------

  function flag(name, fallback) {
    const value = (params.get(name) || "").toLowerCase();
    if (["1", "true", "oui", "yes"].includes(value)) return true;
    if (["0", "false", "non", "no"].includes(value)) return false;
    return fallback;
  }

  async function getJson(path) {
    const headers = token ? { Authorization: "Bearer " + token } : {};
    const response = await fetch(path, { headers });
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      const detail = body && body.error_messages ? body.error_messages.join(" ") : "";
      const error = new Error(detail || "Erreur " + response.status);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function say(text, isError) {
    message.textContent = text;
    message.classList.toggle("erreur", Boolean(isError));
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === "") continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // The link policy of lba_desktop/links.py, whose schemes the page carries: a link from the
  // catalogue becomes an anchor only when it passes; anything else is shown as text.
  const LINK_SCHEMES = (document.body.dataset.linkSchemes || "http https").split(" ");
  const LINK_FORBIDDEN = /[\u0000-\u0020\u007f-\u009f\\"'<>`\u00a0\u2028\u2029\u200b-\u200f\u202a-\u202e]/;
  function safeHref(text, webOnly) {
    const link = String(text || "").trim();
    if (!link || link.length > 2000 || LINK_FORBIDDEN.test(link)) return null;
    const found = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(link);
    if (!found) return null;
    const scheme = found[1].toLowerCase();
    const rest = link.slice(found[0].length);
    if (!LINK_SCHEMES.includes(scheme)) return null;
    if (scheme === "http" || scheme === "https") {
      if (!rest.startsWith("//")) return null;
      let url;
      try { url = new URL(link); } catch (error) { return null; }
      return url.hostname && !url.username && !url.password ? link : null;
    }
    if (webOnly) return null;
    if (scheme === "mailto") {
      return /^[A-Za-z0-9.!#$%&*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(rest) ? link : null;
    }
    if (scheme === "tel") return /^\+?[0-9][0-9.\-()]{2,30}$/.test(rest) ? link : null;
    return null;
  }

  function km(distance) {
    if (distance === null || distance === undefined) return "";
    return distance.toLocaleString("fr-FR", { maximumFractionDigits: 1 }) + " km";
  }

  function frDate(iso) {
    if (!iso) return "";
    const d = new Date(iso.length === 10 ? iso + "T12:00:00" : iso);
    return isNaN(d) ? iso : d.toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" });
  }

  // --- autocomplete (combobox + listbox, keyboard first) ------------------------------

  function combo(input, list, fetchItems, labelOf, onPick) {
    let items = [];
    let active = -1;
    let timer = null;
    let serial = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      active = index;
      [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      }
    }
    function pick(index) {
      const item = items[index];
      if (!item) return;
      input.value = item.label;
      close();
      onPick(item);
    }
    function show(found) {
      items = found;
      list.replaceChildren(...found.map((item, i) => {
        const li = el("li", { id: list.id + "-" + i, role: "option", "aria-selected": "false" },
          ...labelOf(item));
        li.addEventListener("mousedown", (event) => { event.preventDefault(); pick(i); });
        return li;
      }));
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", String(found.length > 0));
      active = -1;
    }
    input.addEventListener("input", () => {
      onPick(null);
      clearTimeout(timer);
      const text = input.value.trim();
      if (text.length < 2) { close(); return; }
      timer = setTimeout(async () => {
        const mine = ++serial;
        try {
          const found = await fetchItems(text);
          if (mine === serial && document.activeElement === input) show(found);
        } catch (e) { close(); }
      }, 120);
    });
    input.addEventListener("keydown", (event) => {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); pick(active); }
      else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
    return { first: async (text) => (await fetchItems(text))[0] || null };
  }

  const metierCombo = combo(
    metierInput, $("metier-liste"),
    (q) => getJson("/api/local/metiers?limit=10&q=" + encodeURIComponent(q)),
    (m) => [m.label, el("span", { class: "code" }, m.code)],
    (m) => { state.romes = m ? m.romes : []; state.metierLabel = m ? m.label : ""; },
  );
  const lieuCombo = combo(
    lieuInput, $("lieu-liste"),
    (q) => getJson("/api/local/lieux?limit=8&q=" + encodeURIComponent(q)),
    (p) => [p.label, p.zipcode ? el("span", { class: "code" }, p.zipcode) : ""],
    (p) => { state.place = p ? { lat: p.lat, lon: p.lon, insee: p.insee, label: p.label } : null; },
  );

  // --- kinds, list and map -------------------------------------------------------------

  const toggles = {};
  for (const kind of kinds) {
    const box = el("input", { type: "checkbox", id: "type-" + kind.id, checked: true });
    const count = el("span", { class: "nombre", id: "nombre-" + kind.id }, "0");
    const label = el("label", { class: "type", for: "type-" + kind.id },
      box, el("span", { class: "pastille pin-" + kind.id, "aria-hidden": "true" }),
      kind.label + " ", count);
    box.addEventListener("change", () => {
      if (box.checked) state.shown.add(kind.id); else state.shown.delete(kind.id);
      render();
    });
    toggles[kind.id] = { box, count };
    $("types").append(label);
  }
  if (scope === "both" && flag("showCombinedJob", true) === false) {
    for (const id of ["offre", "partenariat", "entreprise"]) {
      toggles[id].box.checked = false;
      state.shown.delete(id);
    }
  }
  if (kinds.length === 1) $("types").hidden = false;

  const showMap = flag("displayMap", true) && typeof L !== "undefined";
  if (!showMap) document.body.classList.add("sans-carte");
  let map = null;
  let clusters = null;
  let circle = null;
  let places = null;  // place names and the search centre's pin (map_labels.js)
  const markers = new Map();
  if (showMap) {
    map = L.map("carte", { center: [46.6, 2.4], zoom: 5, minZoom: 3, maxZoom: 18,
      attributionControl: false, keyboard: true });
    // No tiles offline: the départements' outlines are the background, under the place
    // names, under the markers.
    map.createPane("lbaBase").style.zIndex = 250;
    fetch("/static/geo/departements.geojson").then((r) => (r.ok ? r.json() : null)).then((geo) => {
      if (!geo) return;
      L.geoJSON(geo, { interactive: false, pane: "lbaBase",
        style: { color: "#8a9bb0", weight: 1, fillColor: "#fbfbf8", fillOpacity: 1 } })
        .addTo(map);
    }).catch(() => {});
    if (window.LbaPlaces) {
      places = LbaPlaces.attach(map, []);
      fetch("/static/map/noms.json").then((r) => (r.ok ? r.json() : null)).then((rows) => {
        if (rows) places.setRows(rows);
      }).catch(() => {});
    }
    clusters = L.markerClusterGroup({ maxClusterRadius: 40, disableClusteringAtZoom: 13,
      showCoverageOnHover: false });
    map.addLayer(clusters);
    window.addEventListener("resize", () => map.invalidateSize());
  }

  function rowsOf(body) {
    const rows = [];
    const add = (group, kind) => {
      for (const item of (group && group.results) || []) {
        // LBA's own offers are partenariats only when a CFA posted them for the company.
        const posted = kind === "partenariat" && !(item.company && item.company.mandataire);
        rows.push({ kind: posted ? "offre" : kind, item });
      }
    };
    const addJobs = (jobs) => {
      // Job boards' offers (partnerJobs) are offers as France Travail's are.
      add(jobs.peJobs, "offre"); add(jobs.partnerJobs, "offre");
      add(jobs.matchas, "partenariat"); add(jobs.lbaCompanies, "entreprise");
    };
    if (scope === "trainings" && !body.formations) add(body, "formation");
    else if (scope === "jobs") addJobs(body);
    else {
      add(body.formations, "formation");
      addJobs(body.jobs || {});
    }
    rows.forEach((row, i) => { row.key = row.kind + ":" + row.item.id + ":" + i; });
    rows.sort((a, b) => (a.item.place.distance ?? 0) - (b.item.place.distance ?? 0));
    return rows;
  }

  function detailsOf(row) {
    const item = row.item;
    const place = item.place || {};
    const contact = item.contact || {};
    const parts = [];
    const line = (label, value) => { if (value) parts.push(el("div", {}, el("strong", {}, label + " : "), value)); };
    if (row.kind === "formation") {
      line("Niveau", item.diplomaLevel);
      const sessions = (item.training && item.training.sessions) || [];
      if (sessions.length) line("Prochaine rentrée", frDate(sessions[0].startDate));
    } else if (item.job) {
      line("Contrat", item.job.contractType);
      line("Début", frDate(item.job.jobStartDate));
      line("Durée", item.job.dureeContrat);
    }
    if (row.kind === "partenariat") parts.push(el("div", {}, "Offre déposée par un CFA pour l'entreprise."));
    line("Adresse", place.fullAddress);
    line("Téléphone", contact.phone);
    if (contact.email) {
      const mail = safeHref("mailto:" + contact.email);
      parts.push(el("div", {}, el("strong", {}, "Courriel : "),
        mail ? el("a", { href: mail }, contact.email) : contact.email));
    }
    const link = item.url || item.onisepUrl;
    const label = row.kind === "formation" ? "Fiche de la formation" : "Voir l'offre";
    const href = safeHref(link, true);
    if (href) {
      parts.push(el("div", {}, el("a", { href, target: "_blank", rel: "noopener noreferrer" }, label)));
    } else if (link) {
      line(label, String(link).slice(0, 300));
    }
    return el("div", { class: "details" }, ...parts);
  }

  function select(key, fromMap) {
    state.selected = key;
    for (const li of liste.children) {
      const on = li.dataset.key === key;
      li.setAttribute("aria-selected", String(on));
      if (on && fromMap) { li.scrollIntoView({ block: "nearest" }); li.focus({ preventScroll: true }); }
    }
    for (const [k, marker] of markers) {
      const icon = marker.getElement && marker.getElement();
      if (icon) icon.firstElementChild?.classList.toggle("pin-choisi", k === key);
    }
    const marker = markers.get(key);
    if (marker && map && !fromMap) {
      // Zoom 13 is where clusters open (disableClusteringAtZoom): close enough to show the
      // pin, far enough to keep the town around it.
      const show = () => {
        const icon = marker.getElement && marker.getElement();
        if (icon) icon.firstElementChild.classList.add("pin-choisi");
        if (marker._map) marker.openTooltip();
      };
      map.once("moveend", show);
      map.setView(marker.getLatLng(), Math.max(map.getZoom(), 13));
      if (map.getCenter().distanceTo(marker.getLatLng()) < 1) setTimeout(show, 50);
    }
  }

  function render() {
    const visible = state.rows.filter((row) => state.shown.has(row.kind));
    const kindOf = Object.fromEntries(KINDS.map((k) => [k.id, k]));
    liste.setAttribute("role", "listbox");
    liste.setAttribute("aria-label", "Résultats, du plus proche au plus lointain");
    liste.replaceChildren(...visible.map((row) => {
      const item = row.item;
      const place = item.place || {};
      const org = row.kind === "formation" ? (item.company && item.company.name) : (item.company && item.company.name);
      const li = el("li", { class: "ligne", role: "option", tabindex: "0", "data-key": row.key,
        "data-kind": row.kind, "aria-selected": String(row.key === state.selected) },
        el("span", { class: "distance" }, km(place.distance)),
        el("span", { class: "genre genre-" + row.kind }, kindOf[row.kind].one),
        el("span", { class: "titre" }, item.title || ""),
        el("span", { class: "org" }, org && org !== item.title ? org : ""),
        el("span", { class: "lieu" }, [place.zipCode, place.city].filter(Boolean).join(" ")),
        detailsOf(row));
      li.addEventListener("click", (event) => {
        if (event.target.closest("a")) return;
        select(row.key, false);
      });
      li.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(row.key, false); }
        else if (event.key === "ArrowDown") { event.preventDefault(); li.nextElementSibling?.focus(); }
        else if (event.key === "ArrowUp") { event.preventDefault(); li.previousElementSibling?.focus(); }
      });
      return li;
    }));
    if (!clusters) return;
    clusters.clearLayers();
    markers.clear();
    const layers = [];
    for (const row of visible) {
      const place = row.item.place || {};
      if (typeof place.latitude !== "number" || typeof place.longitude !== "number") continue;
      const marker = L.marker([place.latitude, place.longitude], {
        icon: L.divIcon({ className: "pin-boite", html: '<span class="pin pin-' + row.kind + '"></span>',
          iconSize: [14, 14], iconAnchor: [7, 7] }),
        title: (row.item.title || "") + " — " + kindOf[row.kind].one,
        alt: row.item.title || "",
        keyboard: true,
      });
      // An element, not a string: Leaflet would read a string as HTML (a title is untrusted).
      marker.bindTooltip(el("span", {}, String(row.item.title || "").slice(0, 300)),
        { direction: "top", offset: [0, -8] });
      marker.on("click", () => select(row.key, true));
      markers.set(row.key, marker);
      layers.push(marker);
    }
    clusters.addLayers(layers);
  }

  function updateCounts() {
    for (const kind of kinds) {
      toggles[kind.id].count.textContent = String(state.rows.filter((r) => r.kind === kind.id).length);
    }
  }

  // --- search ---------------------------------------------------------------------------

  async function resolveInputs() {
    if (!state.romes.length) {
      const text = metierInput.value.trim();
      const codes = text.match(/[A-Na-n][0-9]{4}/g);
      if (codes && text.replace(/[A-Na-n][0-9]{4}|[\s,;]/g, "") === "") {
        state.romes = [...new Set(codes.map((c) => c.toUpperCase()))].slice(0, 20);
      } else if (text.length >= 2) {
        const found = await metierCombo.first(text);
        if (found) { state.romes = found.romes; metierInput.value = found.label; }
      }
    }
    if (!state.place) {
      const text = lieuInput.value.trim();
      if (text.length >= 2) {
        const found = await lieuCombo.first(text);
        if (found) {
          state.place = { lat: found.lat, lon: found.lon, insee: found.insee, label: found.label };
          lieuInput.value = found.label;
        }
      }
    }
  }

  async function search() {
    await resolveInputs();
    if (!state.romes.length) { say("Indiquez un métier (par exemple « boulanger » ou « D1102 »).", true); metierInput.focus(); return; }
    if (!state.place) { say("Indiquez une commune ou un code postal.", true); lieuInput.focus(); return; }
    const query = new URLSearchParams({
      latitude: String(state.place.lat),
      longitude: String(state.place.lon),
      radius: rayon.value,
      caller,
    });
    // An RNCP code stands for its métiers; /formations takes none, so trainings are then
    // asked from /jobsEtFormations, limited to them.
    const byRncp = Boolean(state.rncp) && state.romes.join(",") === state.rncp;
    query.set(byRncp ? "rncp" : "romes", byRncp ? state.rncp : state.romes.join(","));
    if (niveau.value) query.set("diploma", niveau.value);
    if (scope !== "trainings" || byRncp) {
      if (state.place.insee) query.set("insee", state.place.insee);
    }
    if (scope !== "trainings" && state.opco) query.set("opco", state.opco);
    // Like `opco`, an OPCO's site filters the job opportunities only, never the trainings.
    if (scope !== "trainings" && state.opcoUrl) query.set("opcoUrl", state.opcoUrl);
    let route = { trainings: "formations", jobs: "jobs", both: "jobsEtFormations" }[scope];
    if (scope === "trainings" && byRncp) {
      route = "jobsEtFormations";
      query.set("sources", "formation");
    }
    say("Recherche en cours…");
    $("chercher").disabled = true;
    try {
      const body = await getJson("/api/V1/" + route + "?" + query.toString());
      state.rows = rowsOf(body);
      state.selected = null;
      updateCounts();
      render();
      const where = state.place.label ? " autour de " + state.place.label : "";
      const site = scope !== "trainings" && state.opcoUrl
        ? " Emplois limités aux entreprises de l'OPCO du site « " + state.opcoUrl + " »." : "";
      if (!state.rows.length) {
        say("Aucun résultat dans un rayon de " + rayon.value + " km" + where + " : essayez un rayon plus grand ou un métier voisin." + site);
      } else {
        say(state.rows.length + " résultat" + (state.rows.length > 1 ? "s" : "") + " dans un rayon de " + rayon.value + " km" + where + "." +
          (state.rows.length < 10 ? " Peu de résultats : élargissez la recherche." : "") + site);
      }
      if (map) {
        if (circle) circle.remove();
        circle = L.circle([state.place.lat, state.place.lon], { radius: Number(rayon.value) * 1000,
          color: "#000091", weight: 1, fill: false, interactive: false }).addTo(map);
        if (places) places.setPin("centre", state.place);
        map.invalidateSize();
        map.fitBounds(circle.getBounds(), { padding: [10, 10] });
      }
    } catch (error) {
      say(error.status === 429 ? "Trop de recherches à la suite : réessayez dans un instant."
        : error.status === 401 ? "Accès refusé : ce serveur demande un jeton (paramètre token)."
        : "La recherche a échoué : " + error.message, true);
    } finally {
      $("chercher").disabled = false;
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); search(); });

  // --- start: the upstream widget's URL parameters -------------------------------------

  async function start() {
    getJson("/api/local/info").then((info) => {
      $("origine").textContent = info.label + " — hors ligne";
    }).catch(() => {});
    const back = params.get("return_uri");
    if (safeHref(back, true)) {
      const link = $("retour");
      link.href = back;
      link.hidden = false;
      const logo = params.get("return_logo_url");
      if (safeHref(logo, true)) { $("retour-logo").src = logo; $("retour-logo").hidden = false; }
    }
    const wanted = params.get("radius");
    if (wanted && /^\d{1,3}$/.test(wanted) && Number(wanted) >= 1 && Number(wanted) <= 200) {
      if (![...rayon.options].some((o) => o.value === wanted)) {
        rayon.append(el("option", { value: wanted }, wanted + " km"));
      }
      rayon.value = wanted;
    }
    const diploma = params.get("diploma");
    if (diploma) niveau.value = LEVEL_BY_DIGIT[diploma.charAt(0)] || "";

    const romes = (params.get("romes") || "").split(",").map((c) => c.trim().toUpperCase())
      .filter((c) => /^[A-N][0-9]{4}$/.test(c));
    if (romes.length) {
      state.romes = romes.slice(0, 20);
      let label = params.get("job_name") || "";
      if (!label) {
        const found = await getJson("/api/local/metiers?limit=1&q=" + romes[0]).catch(() => []);
        label = found.length ? found[0].label + (romes.length > 1 ? " (+" + (romes.length - 1) + ")" : "") : romes.join(", ");
      }
      metierInput.value = label;
      state.metierLabel = label;
    }
    const rncp = (params.get("rncp") || "").trim().toUpperCase();
    if (!romes.length && /^RNCP[0-9]{2,5}$/.test(rncp)) {
      state.rncp = rncp;
      state.romes = [rncp];
      metierInput.value = params.get("job_name") || rncp;
      state.metierLabel = metierInput.value;
    }
    if (flag("frozen_job", false) && state.romes.length) {
      metierInput.readOnly = true;
      metierInput.setAttribute("aria-readonly", "true");
    }

    const lat = parseFloat(params.get("lat"));
    const lon = parseFloat(params.get("lon"));
    try {
      if (!isNaN(lat) && !isNaN(lon)) {
        state.place = { lat, lon, insee: params.get("insee") || "", label: params.get("address") || "" };
        const near = await getJson("/api/local/lieu?lat=" + lat + "&lon=" + lon).catch(() => null);
        if (near) {
          state.place.insee = state.place.insee || near.insee;
          state.place.label = state.place.label || near.label;
        }
        lieuInput.value = state.place.label || "Position indiquée";
      } else {
        const key = ["insee", "zipcode", "address"].find((name) => params.get(name));
        if (key) {
          const found = await getJson("/api/local/lieu?" + key + "=" + encodeURIComponent(params.get(key))).catch(() => null);
          if (found) {
            state.place = { lat: found.lat, lon: found.lon, insee: found.insee, label: found.label };
            lieuInput.value = found.label;
          }
        }
      }
    } catch (e) { /* the person types the place */ }
    if (state.romes.length && state.place) {
      await search();
      openWanted();
    } else (state.romes.length ? lieuInput : metierInput).focus();
  }

  // `itemId` (with `type`, upstream's item types) opens that result once the search is done.
  const KIND_OF_TYPE = { training: "formation", formation: "formation", peJob: "offre",
    partnerJob: "offre", offres_emploi_partenaires: "offre", matcha: "partenariat",
    offres_emploi_lba: "partenariat", lba: "entreprise", lbb: "entreprise",
    recruteurs_lba: "entreprise" };

  function openWanted() {
    const wanted = params.get("itemId");
    if (!wanted) return;
    const kind = KIND_OF_TYPE[params.get("type") || ""];
    const row = state.rows.find((r) => r.item.id === wanted && (!kind || r.kind === kind));
    if (!row) { say("Le résultat demandé (" + wanted.slice(0, 60) + ") n'est pas dans cette recherche.", true); return; }
    if (!state.shown.has(row.kind)) { state.shown.add(row.kind); toggles[row.kind].box.checked = true; render(); }
    select(row.key, false);
    const li = [...liste.children].find((node) => node.dataset.key === row.key);
    if (li) { li.scrollIntoView({ block: "nearest" }); li.focus({ preventScroll: true }); }
  }

  start();
})();
