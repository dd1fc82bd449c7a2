"use strict";
// The map page. Everything from the vault arrives as JSON data and reaches the page as text
// (textContent, canvas labels, vis tooltips set as text): never as markup.
(function () {
  const data = JSON.parse(document.getElementById("map-data").textContent);
  const $ = (id) => document.getElementById(id);
  const norm = (text) => String(text).normalize("NFC").toLocaleLowerCase();
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const LARGE = data.nodes.length > (data.large || 1000);
  // Positions computed in Python (every node has x and y): the page opens on the finished
  // picture and physics is only a toggle.
  const precomputed =
    data.layout === "precomputed" ||
    (data.nodes.length > 0 && data.nodes.every((n) => isFinite(n.x) && isFinite(n.y)));
  if (precomputed) data.options.physics = Object.assign({}, data.options.physics, { enabled: false });
  // Styles travel once per kind, not once per edge: a large map stays a few megabytes.
  data.edges = data.edges.map((e) => Object.assign({}, data.edgeStyles[edgeStyle(e)], e));
  const PRIMARY = new Set(["note", "attachment"]);
  const adjacency = buildAdjacency();
  const info = new Map(data.nodes.map((n) => [n.id, describe(n)]));
  const TOGGLED = [
    ["tag", "tags"],
    ["attachment", "attachments"],
    ["unresolved", "unresolved links"],
  ];
  const LABEL_FONT = "system-ui, sans-serif";
  const MAX_LABELS = 300;
  const HUB_LABELS = 25;
  // Zoomed in past this scale, a closed folder in view opens by itself.
  const CLUSTER_OPEN_SCALE = 0.5;
  // Everything that decides what is shown, in one place: refresh() turns it into vis's hidden.
  const state = {
    hiddenKinds: new Set(),
    filter: null,
    filterText: "",
    groups: new Set(),
    local: { on: false, centre: null, depth: 1, direction: "both" },
    clustered: false,
    clusters: new Map(), // key -> {id, members, open}
    physics: !precomputed,
    hidden: new Set(),
    dim: null,
  };
  const clusterOf = new Map(); // node id -> cluster key
  let clusterEdges = [];
  let edgeOrder = null;
  let edgeEnds = null;
  // Screen pixels of edges a zoomed-out frame may stroke: about two screens' worth of lines.
  const EDGE_BUDGET = 2500000;
  const stats = { labels: 0, edges: 0, frameMs: 0 };
  const labelWidths = new Map();
  // The folder nodes of a map that opens clustered go into the DataSet with everything else:
  // one more nodes.add later would make vis-network walk the whole map again.
  const startClustered = precomputed && data.nodes.length > (data.clusterAbove || Infinity);
  const clusterNodes = startClustered ? buildClusters() : [];
  const nodes = new vis.DataSet(clusterNodes.length > 0 ? data.nodes.concat(clusterNodes) : data.nodes);
  const edges = new vis.DataSet(data.edges);
  const network = new vis.Network($("mynetwork"), { nodes: nodes, edges: edges }, data.options);

  const api = {
    data: data,
    ready: false,
    readyAt: null,
    selected: null,
    precomputed: precomputed,
    stats: stats,
    // Replaceable, so a script or a test can catch the link instead of leaving the page.
    open: (url) => {
      window.location.href = url;
    },
    focus: focusNode,
    search: search,
    setKindVisible: setKindVisible,
    setFilter: setFilter,
    matches: (query, id) => {
      const q = parseQuery(query);
      const entry = info.get(id);
      return q === null || (entry !== undefined && matchQuery(q, entry));
    },
    toggleGroup: toggleGroup,
    setLocal: setLocal,
    localNodes: () => (state.local.on ? [...localSet()] : []),
    setPhysics: setPhysics,
    cluster: setClustered,
    openCluster: openCluster,
    clusters: () =>
      [...state.clusters.entries()].map(([key, c]) => ({
        key: key,
        id: c.id,
        size: c.members.length,
        open: c.open,
      })),
    visibleIds: () => data.nodes.map((n) => n.id).filter((id) => !state.hidden.has(id)),
    neighbourhood: () => (state.dim ? [...state.dim] : []),
  };
  // pyvis's convention: the vis Network is window.network.
  window.network = network;
  window.vaultgraph = api;

  const searchIndex = data.nodes.map((n) => ({
    id: n.id,
    label: norm(n.label),
    path: norm(n.id),
    note: n.kind === "note",
  }));
  // Labels and hubs by importance: the biggest nodes are labelled first and win overlaps.
  let byImportance = [];

  $("map-title").textContent = data.vault;
  $("counts").textContent = countsText();
  $("color-by").textContent = data.colorBy;
  drawLegend();
  drawToggles();
  wirePanel();
  sortByImportance();

  if (LARGE) {
    // vis-network 9.1.2 draws each edge, then each arrow, one path apiece; ours batches both.
    network.renderer._drawEdges = drawEdgesBatched;
    network.renderer._drawArrows = () => {};
  }
  network.on("afterDrawing", afterDrawing);
  network.on("beforeDrawing", () => {
    stats.frameStart = performance.now();
  });

  network.on("stabilizationProgress", (p) => {
    setStatus(`Laying out ${p.iterations} / ${p.total}`);
  });
  if (precomputed) {
    network.fit({ animation: false });
    network.once("afterDrawing", settle);
    network.redraw();
  } else {
    network.once("stabilizationIterationsDone", settle);
    network.once("stabilized", settle);
  }
  if (data.nodes.length === 0) settle();

  network.on("click", (p) => {
    const id = p.nodes.length > 0 ? p.nodes[0] : null;
    const cluster = id === null ? null : clusterKeyOfNode(id);
    if (cluster !== null) openCluster(cluster);
    else choose(id);
  });
  network.on("doubleClick", (p) => {
    const node = p.nodes.length > 0 ? byId.get(p.nodes[0]) : null;
    if (node && isObsidianUrl(node.url)) api.open(node.url);
  });
  network.on("dragEnd", () => {
    edgeOrder = null;
  });
  network.on("stabilized", () => {
    edgeOrder = null;
  });
  network.on("zoom", () => {
    if (state.clustered && network.getScale() > CLUSTER_OPEN_SCALE) openClustersInView();
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

  const obsidian = data.obsidian && typeof data.obsidian === "object" ? data.obsidian : {};
  if (Number.isInteger(obsidian.localJumps)) {
    state.local.depth = Math.min(5, Math.max(1, obsidian.localJumps));
  }
  $("local-depth").value = String(state.local.depth);
  $("local-depth-value").textContent = String(state.local.depth);
  if (typeof obsidian.search === "string" && obsidian.search.trim()) {
    $("filter").value = obsidian.search;
    setFilter(obsidian.search);
  }
  if (startClustered) setClustered(true);

  function edgeStyle(edge) {
    const target = byId.get(edge.to);
    return target && target.kind === "unresolved" ? `${edge.kind}-unresolved` : edge.kind;
  }

  function buildAdjacency() {
    const out = new Map();
    const into = new Map();
    for (const n of data.nodes) {
      out.set(n.id, []);
      into.set(n.id, []);
    }
    for (const e of data.edges) {
      if (out.has(e.from) && into.has(e.to)) {
        out.get(e.from).push(e.to);
        into.get(e.to).push(e.from);
      }
    }
    return { out: out, into: into };
  }

  // What the filter grammar reads: the node's path, file name, folder and tags, lower-cased.
  // Fields from Python win; until they are there, folder comes from the path and tags from
  // the note's tag edges.
  function describe(n) {
    const primary = PRIMARY.has(n.kind);
    const path = primary ? norm(n.id) : "";
    const slash = n.id.lastIndexOf("/");
    const folder = typeof n.folder === "string" ? n.folder : primary && slash > 0 ? n.id.slice(0, slash) : "";
    let tags = Array.isArray(n.tags) ? n.tags.map(String) : null;
    if (tags === null) {
      tags = [];
      for (const to of adjacency.out.get(n.id) || []) {
        const target = byId.get(to);
        if (target && target.kind === "tag") tags.push(String(target.label).replace(/^#/, ""));
      }
    }
    return {
      id: n.id,
      primary: primary,
      label: norm(n.label),
      path: path,
      file: primary ? norm(n.id.slice(slash + 1)) : norm(n.label),
      folder: folder,
      tags: tags.map(norm),
    };
  }

  // The filter grammar, as in Obsidian's search: terms apart by spaces must all match, OR
  // between terms offers alternatives, a leading - negates a term; path: and file: match a
  // substring of the path or file name, tag:#x the tag x and every nested x/...; a plain word
  // matches the title or path. Case never matters; "double quotes" keep spaces in a term.
  function parseQuery(text) {
    const tokens = String(text).match(/-?(?:[a-zA-Z]+:)?"[^"]*"|\S+/g) || [];
    const groups = [[]];
    for (const token of tokens) {
      if (token === "OR") {
        groups.push([]);
        continue;
      }
      let rest = token;
      const negated = rest.length > 1 && rest.startsWith("-");
      if (negated) rest = rest.slice(1);
      let field = "any";
      const colon = /^(path|file|tag):/i.exec(rest);
      if (colon) {
        field = colon[1].toLowerCase();
        rest = rest.slice(colon[0].length);
      }
      if (rest.length >= 2 && rest.startsWith('"') && rest.endsWith('"')) rest = rest.slice(1, -1);
      let value = norm(rest);
      if (field === "tag") value = value.replace(/^#/, "");
      if (value) groups[groups.length - 1].push({ field: field, value: value, negated: negated });
    }
    const kept = groups.filter((g) => g.length > 0);
    return kept.length > 0 ? kept : null;
  }

  function matchTerm(term, entry) {
    const v = term.value;
    let hit;
    if (term.field === "path") hit = entry.path.includes(v);
    else if (term.field === "file") hit = entry.file.includes(v);
    else if (term.field === "tag") hit = entry.tags.some((t) => t === v || t.startsWith(`${v}/`));
    else hit = entry.label.includes(v) || entry.path.includes(v);
    return hit !== term.negated;
  }

  function matchQuery(query, entry) {
    return query.some((group) => group.every((term) => matchTerm(term, entry)));
  }

  function setFilter(text) {
    state.filterText = String(text);
    state.filter = parseQuery(state.filterText);
    const box = $("filter");
    if (box.value !== state.filterText) box.value = state.filterText;
    refresh();
    return api.visibleIds().length;
  }

  function toggleGroup(group, on) {
    const want = on === undefined ? !state.groups.has(group) : Boolean(on);
    if (want) state.groups.add(group);
    else state.groups.delete(group);
    for (const button of document.querySelectorAll("#legend-groups button")) {
      button.setAttribute("aria-pressed", String(state.groups.has(button.dataset.group)));
    }
    refresh();
    return [...state.groups];
  }

  function setLocal(options) {
    Object.assign(state.local, options || {});
    state.local.depth = Math.min(5, Math.max(1, Math.round(Number(state.local.depth) || 1)));
    if (!["in", "out", "both"].includes(state.local.direction)) state.local.direction = "both";
    if (state.local.on && !byId.has(state.local.centre)) state.local.centre = api.selected;
    if (state.local.on && !byId.has(state.local.centre)) state.local.on = false;
    $("local").checked = state.local.on;
    $("local-depth").value = String(state.local.depth);
    $("local-depth-value").textContent = String(state.local.depth);
    $("local-direction").value = state.local.direction;
    refresh();
    return state.local.on;
  }

  // Breadth-first from the centre along links as written (out), against them (in), or both.
  function localSet() {
    const { centre, depth, direction } = state.local;
    const seen = new Set([centre]);
    let frontier = [centre];
    for (let step = 0; step < depth && frontier.length > 0; step++) {
      const next = [];
      for (const id of frontier) {
        const around = [];
        if (direction !== "in") around.push(...adjacency.out.get(id));
        if (direction !== "out") around.push(...adjacency.into.get(id));
        for (const other of around) {
          if (!seen.has(other)) {
            seen.add(other);
            next.push(other);
          }
        }
      }
      frontier = next;
    }
    return seen;
  }

  // Hidden = a toggled-off kind, outside the filter or legend choice, outside the local graph,
  // or inside a closed cluster. Tags and unresolved targets follow the notes around them.
  function refresh() {
    const filtering = state.filter !== null || state.groups.size > 0;
    const local = state.local.on ? localSet() : null;
    const shown = new Set();
    for (const n of data.nodes) {
      if (state.hiddenKinds.has(n.kind)) continue;
      if (local !== null && !local.has(n.id)) continue;
      if (filtering && PRIMARY.has(n.kind)) {
        if (state.groups.size > 0 && !state.groups.has(n.colorGroup)) continue;
        if (state.filter !== null && !matchQuery(state.filter, info.get(n.id))) continue;
      }
      shown.add(n.id);
    }
    if (filtering) {
      for (const n of data.nodes) {
        if (PRIMARY.has(n.kind) || !shown.has(n.id)) continue;
        const near = [...adjacency.out.get(n.id), ...adjacency.into.get(n.id)];
        if (!near.some((o) => shown.has(o) && PRIMARY.has(byId.get(o).kind))) shown.delete(n.id);
      }
    }
    const changes = [];
    const openMembers = new Map();
    for (const n of data.nodes) {
      const key = clusterOf.get(n.id);
      const cluster = key === undefined ? null : state.clusters.get(key);
      let visible = shown.has(n.id);
      if (cluster && !cluster.open) {
        if (visible) openMembers.set(key, (openMembers.get(key) || 0) + 1);
        visible = false;
      }
      if (visible === state.hidden.has(n.id)) {
        changes.push({ id: n.id, hidden: !visible });
        if (visible) state.hidden.delete(n.id);
        else state.hidden.add(n.id);
      }
    }
    for (const [key, cluster] of state.clusters) {
      const visible = !cluster.open && openMembers.has(key);
      // Only real changes reach vis: each update walks all its nodes and edges again.
      if (visible === state.hidden.has(cluster.id)) {
        changes.push({ id: cluster.id, hidden: !visible });
        if (visible) state.hidden.delete(cluster.id);
        else state.hidden.add(cluster.id);
      }
    }
    if (changes.length > 0) applyHidden(changes);
    if (state.clustered) clusterEdges = aggregateEdges();
    if (api.selected !== null && state.hidden.has(api.selected)) choose(null);
    if (!state.local.on || local === null) $("local-count").textContent = "";
    else $("local-count").textContent = `${local.size.toLocaleString("en")} nodes`;
    requestRedraw();
  }

  // A small map keeps the DataSet's hidden flags in step. A large one changes the vis nodes
  // directly and rebuilds only the visible indices: each nodes.update makes vis-network 9.1.2
  // walk every node and edge through its clustering state (7 s for 100,000 notes).
  function applyHidden(changes) {
    if (!LARGE) {
      nodes.update(changes);
      return;
    }
    for (const change of changes) {
      const node = network.body.nodes[change.id];
      if (node) node.options.hidden = change.hidden;
    }
    network._updateVisibleIndices();
  }

  // The next animation frame draws: a sync redraw in every handler would draw twice.
  function requestRedraw() {
    network.body.emitter.emit("_requestRedraw");
  }

  // --- clusters: a folder is one node until you zoom or click into it -----------------------

  function clusterKey(n) {
    if (n.kind === "tag") return null;
    if (n.kind === "unresolved") return "(unresolved)";
    const folder = info.get(n.id).folder;
    return folder === "" ? "(vault root)" : folder.split("/")[0];
  }

  function setClustered(on) {
    state.clustered = Boolean(on);
    if (state.clustered && state.clusters.size === 0) {
      nodes.add(buildClusters());
      sortByImportance();
    }
    for (const cluster of state.clusters.values()) cluster.open = !state.clustered;
    refresh();
    return api.clusters().length;
  }

  function buildClusters() {
    const members = new Map();
    for (const n of data.nodes) {
      const key = clusterKey(n);
      if (key === null) continue;
      if (!members.has(key)) members.set(key, []);
      members.get(key).push(n);
    }
    const added = [];
    for (const [key, list] of members) {
      if (list.length < 2) continue;
      const id = `cluster:${key}`;
      let x = 0;
      let y = 0;
      const colours = new Map();
      for (const n of list) {
        const at = isFinite(n.x) && isFinite(n.y) ? n : network.body.nodes[n.id];
        x += at.x;
        y += at.y;
        const colour = n.color && n.color.background;
        colours.set(colour, (colours.get(colour) || 0) + 1);
        clusterOf.set(n.id, key);
      }
      const colour = [...colours.entries()].sort((a, b) => b[1] - a[1])[0][0] || "#9aa0a6";
      state.clusters.set(key, { id: id, members: list.map((n) => n.id), open: true });
      state.hidden.add(id);
      added.push({
        id: id,
        label: `${key} (${list.length.toLocaleString("en")})`,
        title: `${key}: ${list.length.toLocaleString("en")} nodes; click or zoom in to open`,
        kind: "cluster",
        shape: "dot",
        size: Math.min(120, 12 + 2 * Math.sqrt(list.length)),
        x: x / list.length,
        y: y / list.length,
        hidden: true,
        color: { background: colour, border: "#1f2328" },
        borderWidth: 2,
      });
    }
    return added;
  }

  function clusterKeyOfNode(id) {
    for (const [key, cluster] of state.clusters) if (cluster.id === id) return key;
    return null;
  }

  function openCluster(key) {
    const cluster = state.clusters.get(key);
    if (!cluster || cluster.open) return false;
    cluster.open = true;
    refresh();
    return true;
  }

  function openClustersInView() {
    const view = viewport(0);
    let opened = false;
    for (const cluster of state.clusters.values()) {
      if (cluster.open) continue;
      const at = network.body.nodes[cluster.id];
      if (at && at.x > view.left && at.x < view.right && at.y > view.top && at.y < view.bottom) {
        cluster.open = true;
        opened = true;
      }
    }
    if (opened) refresh();
  }

  // Edges between closed clusters (or a cluster and a node): one line per pair, not per link.
  // Integer ends and numeric pair keys: a million edges are counted in a few hundred ms.
  function aggregateEdges() {
    if (edgeEnds === null) {
      const index = new Map(data.nodes.map((n, i) => [n.id, i]));
      edgeEnds = new Int32Array(2 * data.edges.length);
      data.edges.forEach((e, i) => {
        edgeEnds[2 * i] = index.has(e.from) ? index.get(e.from) : -1;
        edgeEnds[2 * i + 1] = index.has(e.to) ? index.get(e.to) : -1;
      });
    }
    const count = data.nodes.length;
    const ids = [];
    const clusterIndex = new Map();
    const end = new Int32Array(count);
    data.nodes.forEach((n, i) => {
      const key = clusterOf.get(n.id);
      const cluster = key === undefined ? null : state.clusters.get(key);
      if (cluster && !cluster.open) {
        if (!clusterIndex.has(key)) {
          clusterIndex.set(key, count + ids.length);
          ids.push(cluster.id);
        }
        end[i] = clusterIndex.get(key);
      } else {
        end[i] = i;
      }
    });
    const span = count + ids.length;
    const pairs = new Map();
    for (let i = 0; i < edgeEnds.length; i += 2) {
      const u = edgeEnds[i];
      const v = edgeEnds[i + 1];
      if (u < 0 || v < 0) continue;
      const a = end[u];
      const b = end[v];
      if (a === b || (a === u && b === v)) continue;
      const pair = a * span + b;
      pairs.set(pair, (pairs.get(pair) || 0) + 1);
    }
    const idOf = (i) => (i < count ? data.nodes[i].id : ids[i - count]);
    return [...pairs.entries()].map(([pair, n]) => ({
      from: idOf(Math.floor(pair / span)),
      to: idOf(pair % span),
      count: n,
    }));
  }

  // --- drawing -----------------------------------------------------------------------------

  function viewport(margin) {
    const canvas = network.canvas.frame.canvas;
    const a = network.DOMtoCanvas({ x: -margin, y: -margin });
    const b = network.DOMtoCanvas({ x: canvas.clientWidth + margin, y: canvas.clientHeight + margin });
    return { left: a.x, top: a.y, right: b.x, bottom: b.y };
  }

  function outside(view, x1, y1, x2, y2) {
    return (
      (x1 < view.left && x2 < view.left) ||
      (x1 > view.right && x2 > view.right) ||
      (y1 < view.top && y2 < view.top) ||
      (y1 > view.bottom && y2 > view.bottom)
    );
  }

  // A large map strokes its edges in one path per colour instead of one path per edge, skips
  // edges with both ends off screen, and draws arrowheads only once zoomed in enough to see.
  // Zoomed out it simplifies: edges go shortest first until a budget of screen length is
  // spent, so the local structure stays and the hairball of long edges does not cost a second.
  function drawEdgesBatched(ctx) {
    const scale = network.getScale();
    const view = viewport(10);
    const body = network.body;
    const paths = new Map();
    const arrows = scale >= 0.6;
    let drawn = 0;
    let skipped = 0;
    let budget = EDGE_BUDGET;
    const add = (colour, width, from, to) => {
      if (outside(view, from.x, from.y, to.x, to.y)) return;
      const length = Math.hypot(to.x - from.x, to.y - from.y) * scale;
      if (budget <= 0) {
        skipped++;
        return;
      }
      budget -= Math.min(length, 1600);
      let path = paths.get(colour);
      if (path === undefined) {
        path = { lines: new Path2D(), heads: new Path2D(), width: width };
        paths.set(colour, path);
      }
      path.lines.moveTo(from.x, from.y);
      path.lines.lineTo(to.x, to.y);
      if (arrows) arrowHead(path.heads, from, to);
      drawn++;
    };
    for (const e of clusterEdges) {
      const from = body.nodes[e.from];
      const to = body.nodes[e.to];
      if (!from || !to || from.options.hidden || to.options.hidden) continue;
      add("#8a94a6", Math.min(6, 1 + Math.log2(e.count)), from, to);
    }
    for (const edge of edgesByLength()) {
      if (edge.connected !== true || edge.options.hidden) continue;
      if (edge.from.options.hidden || edge.to.options.hidden) continue;
      add(edge.options.color.color, edge.options.width, edge.from, edge.to);
    }
    ctx.save();
    ctx.globalAlpha = scale < 0.3 ? 0.45 : scale < 0.8 ? 0.7 : 1;
    for (const [colour, path] of paths) {
      ctx.strokeStyle = colour;
      ctx.fillStyle = colour;
      // At least a hairline on screen, whatever the zoom.
      ctx.lineWidth = Math.max(path.width, 0.5 / scale);
      ctx.stroke(path.lines);
      if (arrows) ctx.fill(path.heads);
    }
    ctx.restore();
    stats.edges = drawn;
    stats.edgesSkipped = skipped;
  }

  // Shortest first; sorted again only when nodes may have moved (physics, a drag).
  function edgesByLength() {
    if (edgeOrder === null) {
      const all = Object.values(network.body.edges).filter((e) => !String(e.id).startsWith("clusterEdge"));
      const length = (e) => Math.hypot(e.to.x - e.from.x, e.to.y - e.from.y);
      edgeOrder = all.map((e) => [length(e), e]).sort((a, b) => a[0] - b[0]).map((pair) => pair[1]);
    }
    return edgeOrder;
  }

  function arrowHead(path, from, to) {
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const length = Math.hypot(dx, dy);
    const radius = to.options.size || 10;
    if (length <= radius) return;
    const ux = dx / length;
    const uy = dy / length;
    const tipX = to.x - ux * radius;
    const tipY = to.y - uy * radius;
    const size = 6;
    path.moveTo(tipX, tipY);
    path.lineTo(tipX - ux * size - uy * size * 0.5, tipY - uy * size + ux * size * 0.5);
    path.lineTo(tipX - ux * size + uy * size * 0.5, tipY - uy * size - ux * size * 0.5);
    path.closePath();
  }

  function afterDrawing(ctx) {
    if (state.dim !== null) drawDimmed(ctx);
    drawLabels(ctx);
    stats.frameMs = performance.now() - (stats.frameStart || performance.now());
  }

  // Selection: a veil over the map, then the neighbourhood drawn again on top of it.
  function drawDimmed(ctx) {
    const view = viewport(50);
    const body = network.body;
    ctx.save();
    ctx.fillStyle = "rgba(251, 251, 252, 0.85)";
    ctx.fillRect(view.left, view.top, view.right - view.left, view.bottom - view.top);
    ctx.strokeStyle = "#57606a";
    ctx.lineWidth = Math.max(1.2, 1 / network.getScale());
    const lines = new Path2D();
    const centre = body.nodes[api.selected];
    if (centre) {
      for (const id of state.dim) {
        const other = body.nodes[id];
        if (!other || other === centre || other.options.hidden) continue;
        lines.moveTo(centre.x, centre.y);
        lines.lineTo(other.x, other.y);
      }
    }
    ctx.stroke(lines);
    ctx.restore();
    for (const id of state.dim) {
      const node = body.nodes[id];
      if (node && !node.options.hidden) node.draw(ctx);
    }
  }

  function sortByImportance() {
    const weight = (n) => (n.kind === "note" || n.kind === "cluster" ? 1000 : 0) + (n.size || 0);
    byImportance = nodes
      .get({ fields: ["id", "kind", "size"] })
      .sort((a, b) => weight(b) - weight(a))
      .map((n) => n.id);
  }

  // Level of detail: a label only for a node big enough on screen (or one of the hubs), the
  // most important first, and never over a label already drawn.
  function drawLabels(ctx) {
    const scale = network.getScale();
    const view = viewport(0);
    const body = network.body;
    const taken = [];
    const cell = 80;
    const grid = new Map();
    const fontPx = Math.min(16, Math.max(11, 14 * scale)); // on screen
    const size = fontPx / scale; // in canvas units
    const priority = state.dim !== null ? [...state.dim] : [];
    const order = priority.concat(byImportance);
    const done = new Set();
    const labelled = [];
    let count = 0;
    let rank = 0;
    ctx.save();
    ctx.font = `${size}px ${LABEL_FONT}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    ctx.lineWidth = 3 / scale;
    ctx.strokeStyle = "rgba(251, 251, 252, 0.9)";
    for (const id of order) {
      if (count >= MAX_LABELS) break;
      if (done.has(id)) continue;
      done.add(id);
      const node = body.nodes[id];
      if (!node || node.options.hidden || state.hidden.has(id)) continue;
      rank++;
      const onScreen = (node.options.size || 10) * scale;
      const important = rank <= HUB_LABELS || (state.dim !== null && state.dim.has(id));
      if (onScreen < 6 && !important) {
        if (state.dim === null || rank > state.dim.size + HUB_LABELS) break;
        continue;
      }
      if (node.x < view.left || node.x > view.right || node.y < view.top || node.y > view.bottom) {
        continue;
      }
      const text = String(node.options.label === undefined ? "" : node.options.label);
      if (!text) continue;
      const width = labelWidth(ctx, id, text) * (size / 14);
      const top = node.y + (node.options.size || 10) + 2 / scale;
      const box = [node.x - width / 2, top, node.x + width / 2, top + size * 1.2];
      if (overlaps(grid, box, cell / scale)) continue;
      occupy(grid, box, cell / scale, taken);
      const dimmed = state.dim !== null && !state.dim.has(id);
      ctx.globalAlpha = dimmed ? 0.35 : 1;
      ctx.fillStyle = (node.options.font && node.options.font.color) || "#1f2328";
      ctx.strokeText(text, node.x, top);
      ctx.fillText(text, node.x, top);
      labelled.push(id);
      count++;
    }
    ctx.restore();
    stats.labels = count;
    stats.labelBoxes = taken;
    stats.labelIds = labelled;
  }

  function labelWidth(ctx, id, text) {
    let width = labelWidths.get(id);
    if (width === undefined) {
      const font = ctx.font;
      ctx.font = `14px ${LABEL_FONT}`;
      width = Math.min(ctx.measureText(text).width, 600);
      ctx.font = font;
      labelWidths.set(id, width);
    }
    return width;
  }

  function cells(box, cell) {
    const out = [];
    for (let x = Math.floor(box[0] / cell); x <= Math.floor(box[2] / cell); x++) {
      for (let y = Math.floor(box[1] / cell); y <= Math.floor(box[3] / cell); y++) out.push(`${x},${y}`);
    }
    return out;
  }

  function overlaps(grid, box, cell) {
    for (const key of cells(box, cell)) {
      for (const other of grid.get(key) || []) {
        if (box[0] < other[2] && box[2] > other[0] && box[1] < other[3] && box[3] > other[1]) return true;
      }
    }
    return false;
  }

  function occupy(grid, box, cell, taken) {
    taken.push(box);
    for (const key of cells(box, cell)) {
      if (!grid.has(key)) grid.set(key, []);
      grid.get(key).push(box);
    }
  }

  // --- panel ---------------------------------------------------------------------------------

  function settle() {
    if (api.ready) return;
    // Physics off once laid out: a large map stays still and responsive.
    network.setOptions({ physics: false });
    state.physics = false;
    $("physics").checked = false;
    api.ready = true;
    api.readyAt = performance.now();
    document.body.dataset.state = "ready";
    setStatus(data.nodes.length === 0 ? "Nothing to show: no node matches the filters" : "");
  }

  function setPhysics(on) {
    state.physics = Boolean(on);
    $("physics").checked = state.physics;
    network.setOptions({ physics: { enabled: state.physics } });
    edgeOrder = null;
    return state.physics;
  }

  function wirePanel() {
    const filter = $("filter");
    let timer = null;
    filter.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => setFilter(filter.value), LARGE ? 250 : 60);
    });
    filter.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        clearTimeout(timer);
        setFilter(filter.value);
      } else if (event.key === "Escape") {
        clearTimeout(timer);
        setFilter("");
      }
    });
    $("physics").addEventListener("change", (event) => setPhysics(event.target.checked));
    $("local").addEventListener("change", (event) => {
      setLocal({ on: event.target.checked, centre: api.selected });
      if (event.target.checked && !state.local.on) setStatus("Select a note first");
    });
    $("local-depth").addEventListener("input", (event) => setLocal({ depth: Number(event.target.value) }));
    $("local-direction").addEventListener("change", (event) => setLocal({ direction: event.target.value }));
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
      const item = legendItem(entry.color, "dot", entry.group, entry.count);
      // A legend entry is a filter: show only its group (several may be chosen).
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.group = entry.group;
      button.setAttribute("aria-pressed", "false");
      button.title = "Show only this group (click again to show all)";
      button.append(...item.childNodes);
      button.addEventListener("click", () => toggleGroup(entry.group));
      item.append(button);
      groups.append(item);
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
    }
  }

  // vis leaves out the edges of hidden nodes by itself: only the nodes change.
  function setKindVisible(kind, visible) {
    if (visible) state.hiddenKinds.delete(kind);
    else state.hiddenKinds.add(kind);
    const check = document.querySelector(`#toggles input[data-kind="${kind}"]`);
    if (check) check.checked = visible;
    refresh();
  }

  // Select the node with its neighbours and the edges that join them; everything else is
  // veiled (drawDimmed). The cost follows the neighbourhood, not the map.
  function choose(id) {
    api.selected = id;
    if (id === null) {
      network.unselectAll();
      state.dim = null;
    } else {
      const around = network.getConnectedNodes(id).filter((o) => !state.hidden.has(o));
      network.setSelection(
        { nodes: [id, ...around], edges: network.getConnectedEdges(id) },
        { unselectAll: true, highlightEdges: false }
      );
      state.dim = new Set([id, ...around]);
      if (state.local.on && state.local.centre !== id) {
        state.local.centre = id;
        refresh();
      }
    }
    showDetails(id);
    requestRedraw();
  }

  function showDetails(id) {
    const panel = $("details");
    const node = id === null ? null : byId.get(id);
    panel.hidden = !node;
    if (!node) return;
    $("details-title").textContent = node.label;
    $("details-text").textContent = node.title;
    const community = $("details-community");
    const known = node.community !== undefined && node.community !== null;
    community.hidden = !known;
    community.textContent = known ? `Community ${node.community}` : "";
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

  // Whatever hides the node gives way (its kind, its cluster, then filter and local graph),
  // and the view jumps: a small map animates for 250 ms, a large one moves at once.
  function focusNode(id) {
    const node = byId.get(id);
    if (!node) return false;
    if (state.hiddenKinds.has(node.kind)) setKindVisible(node.kind, true);
    const key = clusterOf.get(id);
    if (key !== undefined) openCluster(key);
    if (state.hidden.has(id)) {
      state.filter = null;
      state.filterText = "";
      $("filter").value = "";
      state.groups.clear();
      state.local.on = false;
      $("local").checked = false;
      toggleGroup(null, false);
    }
    choose(id);
    network.moveTo({
      position: network.getPosition(id),
      scale: Math.max(network.getScale(), 1.2),
      animation: LARGE ? false : { duration: 250, easingFunction: "easeInOutQuad" },
    });
    return true;
  }
})();
