"use strict";
// The map page. Everything from the vault arrives as JSON data and reaches the page as text
// (textContent, canvas labels, vis tooltips set as text): never as markup.
(function () {
  const data = JSON.parse(document.getElementById("map-data").textContent);
  const $ = (id) => document.getElementById(id);
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  // Styles travel once per kind, not once per edge: a large map stays a few megabytes.
  data.edges = data.edges.map((e) => Object.assign({}, data.edgeStyles[edgeStyle(e)], e));
  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.edges);
  const network = new vis.Network($("mynetwork"), { nodes: nodes, edges: edges }, data.options);
  const TOGGLED = [
    ["tag", "tags"],
    ["attachment", "attachments"],
    ["unresolved", "unresolved links"],
  ];
  const hiddenKinds = new Set();

  const api = {
    data: data,
    ready: false,
    readyAt: null,
    selected: null,
    // Replaceable, so a script or a test can catch the link instead of leaving the page.
    open: (url) => {
      window.location.href = url;
    },
    focus: focusNode,
    search: search,
    setKindVisible: setKindVisible,
  };
  // pyvis's convention: the vis Network is window.network.
  window.network = network;
  window.vaultgraph = api;

  const norm = (text) => String(text).normalize("NFC").toLocaleLowerCase();
  const searchIndex = data.nodes.map((n) => ({
    id: n.id,
    label: norm(n.label),
    path: norm(n.id),
    note: n.kind === "note",
  }));

  $("map-title").textContent = data.vault;
  $("counts").textContent = countsText();
  $("color-by").textContent = data.colorBy;
  drawLegend();
  drawToggles();

  network.on("stabilizationProgress", (p) => {
    setStatus(`Laying out ${p.iterations} / ${p.total}`);
  });
  network.once("stabilizationIterationsDone", settle);
  network.once("stabilized", settle);
  if (data.nodes.length === 0) settle();

  network.on("click", (p) => {
    if (p.nodes.length > 0) choose(p.nodes[0]);
    else choose(null);
  });
  network.on("doubleClick", (p) => {
    const node = p.nodes.length > 0 ? byId.get(p.nodes[0]) : null;
    if (node && isObsidianUrl(node.url)) api.open(node.url);
  });

  const input = $("search");
  input.addEventListener("input", () => showResults(search(input.value)));
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      const first = search(input.value)[0];
      if (first !== undefined) focusNode(first);
    } else if (event.key === "Escape") {
      input.value = "";
      showResults([]);
    }
  });

  function edgeStyle(edge) {
    const target = byId.get(edge.to);
    return target && target.kind === "unresolved" ? `${edge.kind}-unresolved` : edge.kind;
  }

  function settle() {
    if (api.ready) return;
    // Physics off once laid out: a large map stays still and responsive.
    network.setOptions({ physics: false });
    api.ready = true;
    api.readyAt = performance.now();
    document.body.dataset.state = "ready";
    setStatus(data.nodes.length === 0 ? "Nothing to show: no node matches the filters" : "");
  }

  function setStatus(text) {
    $("status").textContent = text;
  }

  function countsText() {
    const kinds = { note: 0, attachment: 0, tag: 0, unresolved: 0 };
    for (const n of data.nodes) kinds[n.kind] = (kinds[n.kind] || 0) + 1;
    const count = (n, noun) => `${n.toLocaleString("en")} ${noun}${n === 1 ? "" : "s"}`;
    const parts = [count(kinds.note, "note")];
    if (kinds.tag) parts.push(count(kinds.tag, "tag"));
    if (kinds.attachment) parts.push(count(kinds.attachment, "attachment"));
    if (kinds.unresolved) parts.push(`${kinds.unresolved.toLocaleString("en")} unresolved`);
    parts.push(count(data.edges.length, "edge"));
    return parts.join(" \u00b7 ");
  }

  function drawLegend() {
    const groups = $("legend-groups");
    for (const entry of data.legend) {
      groups.append(legendItem(entry.color, "dot", entry.group, entry.count));
    }
    const kinds = $("legend-kinds");
    for (const entry of data.kinds) {
      kinds.append(legendItem(entry.color, entry.shape, entry.label, null));
    }
  }

  function legendItem(color, shape, text, count) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.dataset.shape = shape;
    swatch.style.setProperty("--swatch", color);
    const label = document.createElement("span");
    label.className = "label";
    label.textContent = text;
    item.append(swatch, label);
    if (count !== null) {
      const number = document.createElement("span");
      number.className = "count";
      number.textContent = String(count);
      item.append(number);
    }
    return item;
  }

  function drawToggles() {
    const box = $("toggles");
    for (const [kind, text] of TOGGLED) {
      const count = data.nodes.filter((n) => n.kind === kind).length;
      if (count === 0) continue;
      const label = document.createElement("label");
      const check = document.createElement("input");
      check.type = "checkbox";
      check.checked = true;
      check.dataset.kind = kind;
      check.addEventListener("change", () => setKindVisible(kind, check.checked));
      label.append(check, document.createTextNode(` ${text} (${count})`));
      box.append(label);
      box.hidden = false;
    }
  }

  // vis leaves out the edges of hidden nodes by itself: only the nodes change.
  function setKindVisible(kind, visible) {
    if (visible) hiddenKinds.delete(kind);
    else hiddenKinds.add(kind);
    const check = document.querySelector(`#toggles input[data-kind="${kind}"]`);
    if (check) check.checked = visible;
    nodes.update(
      data.nodes.filter((n) => n.kind === kind).map((n) => ({ id: n.id, hidden: !visible }))
    );
  }

  // Select the node with its neighbours and the edges that join them: vis draws a selection
  // on top, outlined and bold, and the cost follows the neighbourhood, not the map.
  function choose(id) {
    api.selected = id;
    if (id === null) {
      network.unselectAll();
    } else {
      network.setSelection(
        { nodes: [id, ...network.getConnectedNodes(id)], edges: network.getConnectedEdges(id) },
        { unselectAll: true, highlightEdges: false }
      );
    }
    showDetails(id);
  }

  function showDetails(id) {
    const panel = $("details");
    const node = id === null ? null : byId.get(id);
    panel.hidden = !node;
    if (!node) return;
    $("details-title").textContent = node.label;
    $("details-text").textContent = node.title;
    const link = $("details-open");
    link.hidden = !isObsidianUrl(node.url);
    if (isObsidianUrl(node.url)) link.href = node.url;
    else link.removeAttribute("href");
  }

  function isObsidianUrl(url) {
    return typeof url === "string" && url.startsWith("obsidian://open?");
  }

  function search(query) {
    const q = norm(query.trim());
    if (!q) return [];
    const hits = [];
    for (const entry of searchIndex) {
      let rank;
      if (entry.label === q) rank = 0;
      else if (entry.label.startsWith(q)) rank = 1;
      else if (entry.label.includes(q)) rank = 2;
      else if (entry.path.includes(q)) rank = 3;
      else continue;
      hits.push([entry.note ? rank : rank + 4, entry.label.length, entry.id]);
    }
    hits.sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
    return hits.slice(0, 20).map((hit) => hit[2]);
  }

  function showResults(ids) {
    const list = $("results");
    list.replaceChildren();
    for (const id of ids) {
      const node = byId.get(id);
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.id = id;
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = node.label;
      const path = document.createElement("span");
      path.className = "path";
      path.textContent = node.kind === "note" || node.kind === "attachment" ? node.id : node.kind;
      button.append(label, path);
      button.addEventListener("click", () => focusNode(id));
      const item = document.createElement("li");
      item.append(button);
      list.append(item);
    }
  }

  function focusNode(id) {
    const node = byId.get(id);
    if (!node) return false;
    if (hiddenKinds.has(node.kind)) setKindVisible(node.kind, true);
    choose(id);
    network.focus(id, {
      scale: Math.max(network.getScale(), 1.2),
      animation: { duration: 400, easingFunction: "easeInOutQuad" },
    });
    return true;
  }
})();
