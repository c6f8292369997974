/* Renders the OpenAPI document as a readable page: routes, parameters, answers. */
"use strict";
(async function () {
  const main = document.getElementById("doc");
  const doc = await (await fetch("/api/docs/openapi.json")).json();
  const el = (tag, text) => { const n = document.createElement(tag); if (text) n.textContent = text; return n; };
  main.replaceChildren(el("p", doc.info.description));
  for (const [path, item] of Object.entries(doc.paths)) {
    const op = item.get;
    const box = el("section"); box.className = "route";
    const h = el("h2"); const m = el("span", "GET"); m.className = "methode"; h.append(m, path);
    box.append(h, el("p", op.summary));
    if (op.parameters.length) {
      const table = el("table");
      const head = el("tr"); ["Paramètre", "Requis", "Description"].forEach((t) => head.append(el("th", t)));
      table.append(head);
      for (const p of op.parameters) {
        const row = el("tr");
        const name = el("td"); name.append(el("code", p.name));
        row.append(name, el("td", p.required ? "oui" : "non"), el("td", p.description || ""));
        table.append(row);
      }
      box.append(table);
    }
    const answers = Object.entries(op.responses).map(([code, r]) => code + " : " + r.description);
    box.append(el("p", "Réponses — " + answers.join(" ; ")));
    main.append(box);
  }
})();
