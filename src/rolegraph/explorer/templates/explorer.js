/* rolegraph explorer: search, filters, legend and details around a vis-network graph.
 *
 * A click selects a node: its neighbours are highlighted (the rest dimmed) and listed
 * in the panel with what their links say (a tier, shared skills, next level); a role's
 * or level's skills come from data.profiles, so views that draw no skill list them too.
 * Two roles or levels selected together (Ctrl+click, or "Compare with") are compared.
 * The selection, filters and camera are written to the URL fragment and read from it.
 *
 * Every text from the data reaches the page through textContent, DOM properties or
 * vis-network's canvas and string tooltips (which vis-network 9 shows as text), never
 * through innerHTML. Positions are computed in Python; physics is off.
 */
(function () {
  "use strict";

  // Labels are measured when vis-network first sees them: draw only once the embedded
  // font (the one the layout was computed with) is ready.
  if (document.fonts && document.fonts.load) {
    document.fonts.load("16px RolegraphSans").then(main, main);
  } else {
    main();
  }

  function main() {
  var data = JSON.parse(document.getElementById("rg-data").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var allNodes = data.nodes;
  var allEdges = data.edges;
  // Keyed by ids that a link's fragment may name: no inherited keys ("constructor").
  var byId = Object.create(null);
  allNodes.forEach(function (n) {
    byId[n.id] = n;
  });
  // Each node's links, and each role's and level's skills with their tiers (the data
  // gives them even where the view draws no skill).
  var adjacency = Object.create(null);
  allEdges.forEach(function (e) {
    (adjacency[e.from] = adjacency[e.from] || []).push(e);
    (adjacency[e.to] = adjacency[e.to] || []).push(e);
  });
  var profiles = Object.assign(Object.create(null), data.profiles);
  var skills = Object.assign(Object.create(null), data.skills);
  var linkBase = typeof data.linkBase === "string" ? data.linkBase : null;

  var state = {
    query: "",
    minTier: 0,
    minShared: data.minShared ? data.minShared["default"] : 1,
    families: {},
    selected: [],
    camera: null
  };
  data.families.forEach(function (f) {
    state.families[f.name] = true;
  });

  // The first state is applied before vis-network sees the data: no redraw at start.
  var current = computeVisible();
  allNodes.forEach(function (n) {
    n.hidden = !current.nodes[n.id];
  });
  allEdges.forEach(function (e) {
    e.hidden = !current.edges[e.id];
  });
  var nodes = new vis.DataSet(allNodes);
  var edges = new vis.DataSet(allEdges);
  var container = document.getElementById("rg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  var api = {
    network: network,
    nodes: nodes,
    edges: edges,
    state: state,
    ready: false,
    drawnAt: null,
    apply: apply,
    visible: visibleIds,
    highlighted: []
  };
  window.rolegraph = api;

  function el(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    if (className) {
      e.className = className;
    }
    return e;
  }

  /* ---- visibility ------------------------------------------------------ */

  function nodePasses(n) {
    if (n.family !== undefined && state.families[n.family] === false) {
      return false;
    }
    if (n.tier !== undefined && state.minTier > 0 && n.tier < state.minTier) {
      return false;
    }
    return true;
  }

  function edgePasses(e) {
    if (e.shared !== undefined) {
      var count = e.shared[Math.max(state.minTier, 1) - 1];
      return count > 0 && count >= state.minShared;
    }
    if (e.tier !== undefined && state.minTier > 0 && e.tier < state.minTier) {
      return false;
    }
    return true;
  }

  function computeVisible() {
    var okNode = {};
    allNodes.forEach(function (n) {
      okNode[n.id] = nodePasses(n);
    });
    var okEdge = {};
    var linked = {};
    allEdges.forEach(function (e) {
      var ok = okNode[e.from] && okNode[e.to] && edgePasses(e);
      okEdge[e.id] = ok;
      if (ok) {
        linked[e.from] = true;
        linked[e.to] = true;
      }
    });
    var shown = {};
    allNodes.forEach(function (n) {
      shown[n.id] = okNode[n.id] && (n.anchor || linked[n.id] === true);
    });
    allEdges.forEach(function (e) {
      okEdge[e.id] = okEdge[e.id] && shown[e.from] && shown[e.to];
    });
    var matches = [];
    var q = state.query.trim().toLowerCase();
    if (q) {
      allNodes.forEach(function (n) {
        if (shown[n.id] && n.label.toLowerCase().indexOf(q) !== -1) {
          matches.push(n.id);
        }
      });
      if (matches.length) {
        var isMatch = {};
        matches.forEach(function (id) {
          isMatch[id] = true;
        });
        var keep = {};
        allEdges.forEach(function (e) {
          if (okEdge[e.id] && (isMatch[e.from] || isMatch[e.to])) {
            keep[e.from] = true;
            keep[e.to] = true;
          } else {
            okEdge[e.id] = false;
          }
        });
        allNodes.forEach(function (n) {
          shown[n.id] = shown[n.id] && (isMatch[n.id] === true || keep[n.id] === true);
        });
      }
    }
    return { nodes: shown, edges: okEdge, matches: matches, query: q };
  }

  function apply(how) {
    var v = computeVisible();
    var nodeUpdates = [];
    allNodes.forEach(function (n) {
      var hidden = !v.nodes[n.id];
      if (current.nodes[n.id] !== !hidden) {
        nodeUpdates.push({ id: n.id, hidden: hidden });
      }
    });
    var edgeUpdates = [];
    allEdges.forEach(function (e) {
      var hidden = !v.edges[e.id];
      if (current.edges[e.id] !== !hidden) {
        edgeUpdates.push({ id: e.id, hidden: hidden });
      }
    });
    if (nodeUpdates.length) {
      nodes.update(nodeUpdates);
    }
    if (edgeUpdates.length) {
      edges.update(edgeUpdates);
    }
    current = v;
    var status = document.getElementById("rg-search-status");
    if (v.query) {
      status.textContent = v.matches.length
        ? v.matches.length + (v.matches.length === 1 ? " match" : " matches") + ", shown with their links"
        : "No visible node matches “" + state.query.trim() + "”";
      if (v.matches.length) {
        fitVisible();
      }
    } else {
      status.textContent = "";
    }
    updateCounts();
    if (api.ready || (how && how.quiet)) {
      highlight();
      renderDetails();
    }
    if (!(how && how.quiet)) {
      writeHash();
    }
  }

  function visibleIds() {
    var n = [];
    var e = [];
    allNodes.forEach(function (x) {
      if (current.nodes[x.id]) {
        n.push(x.id);
      }
    });
    allEdges.forEach(function (x) {
      if (current.edges[x.id]) {
        e.push(x.id);
      }
    });
    return { nodes: n, edges: e };
  }

  function updateCounts() {
    var v = visibleIds();
    document.getElementById("rg-counts").textContent =
      "Showing " + v.nodes.length + " of " + allNodes.length + " nodes and " +
      v.edges.length + " of " + allEdges.length + " links.";
  }

  /* ---- controls -------------------------------------------------------- */

  var search = document.getElementById("rg-search");
  var labels = document.getElementById("rg-labels");
  var seen = {};
  allNodes
    .map(function (n) { return n.label; })
    .sort()
    .forEach(function (label) {
      if (!seen[label]) {
        seen[label] = true;
        var option = document.createElement("option");
        option.value = label;
        labels.appendChild(option);
      }
    });
  search.addEventListener("input", function () {
    state.query = search.value;
    apply();
    if (!state.query.trim()) {
      fitVisible();
    }
  });
  // Enter: the details of the match (the one named exactly, else the first by name).
  search.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" || !current.matches.length) {
      return;
    }
    ev.preventDefault();
    var q = state.query.trim().toLowerCase();
    var pick = current.matches
      .map(function (id) { return byId[id]; })
      .sort(function (a, b) {
        return (b.label.toLowerCase() === q) - (a.label.toLowerCase() === q) || byLabel(a.label, b.label);
      })[0];
    select([pick.id], { centre: true });
  });

  var tierSelect = document.getElementById("rg-min-tier");
  var anyOption = el("option", "any tier");
  anyOption.value = "0";
  tierSelect.appendChild(anyOption);
  data.legend.tiers.forEach(function (t) {
    if (t.rank > 0) {
      var o = el("option", t.label + " or higher");
      o.value = String(t.rank);
      tierSelect.appendChild(o);
    }
  });
  tierSelect.addEventListener("change", function () {
    state.minTier = parseInt(tierSelect.value, 10) || 0;
    apply();
  });

  if (data.minShared) {
    var section = document.getElementById("rg-shared-control");
    var range = document.getElementById("rg-min-shared");
    var out = document.getElementById("rg-min-shared-value");
    section.hidden = false;
    range.max = String(Math.max(data.minShared.max, 1));
    range.value = String(state.minShared);
    out.textContent = String(state.minShared);
    range.addEventListener("input", function () {
      state.minShared = parseInt(range.value, 10) || 1;
      out.textContent = String(state.minShared);
      apply();
    });
    document.getElementById("rg-show-weak").addEventListener("click", function () {
      range.value = "1";
      state.minShared = 1;
      out.textContent = "1";
      apply();
    });
  }

  var famBox = document.getElementById("rg-families");
  if (!data.families.length) {
    document.getElementById("rg-family-section").hidden = true;
  }
  var famInputs = [];
  data.families.forEach(function (f) {
    var label = el("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = f.name;
    box.addEventListener("change", function () {
      state.families[f.name] = box.checked;
      apply();
    });
    famInputs.push(box);
    var sw = el("span", null, "rg-swatch");
    sw.style.background = f.color;
    label.appendChild(box);
    label.appendChild(sw);
    label.appendChild(el("span", f.name + " (" + f.count + ")"));
    famBox.appendChild(label);
  });
  function setAllFamilies(on) {
    famInputs.forEach(function (box) {
      box.checked = on;
      state.families[box.value] = on;
    });
    apply();
  }
  document.getElementById("rg-families-all").addEventListener("click", function () {
    setAllFamilies(true);
  });
  document.getElementById("rg-families-none").addEventListener("click", function () {
    setAllFamilies(false);
  });

  /* ---- legend ---------------------------------------------------------- */

  function shapeIcon(shape, color) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    svg.setAttribute("viewBox", "0 0 18 18");
    var s;
    if (shape === "dot") {
      s = document.createElementNS(SVG, "circle");
      s.setAttribute("cx", "9");
      s.setAttribute("cy", "9");
      s.setAttribute("r", "7");
    } else if (shape === "diamond") {
      s = document.createElementNS(SVG, "polygon");
      s.setAttribute("points", "9,1 17,9 9,17 1,9");
    } else if (shape === "triangle") {
      s = document.createElementNS(SVG, "polygon");
      s.setAttribute("points", "9,2 17,16 1,16");
    } else if (shape === "square") {
      s = document.createElementNS(SVG, "rect");
      s.setAttribute("x", "2");
      s.setAttribute("y", "2");
      s.setAttribute("width", "14");
      s.setAttribute("height", "14");
    } else {
      s = document.createElementNS(SVG, "rect");
      s.setAttribute("x", "1");
      s.setAttribute("y", "4");
      s.setAttribute("width", "16");
      s.setAttribute("height", "10");
      s.setAttribute("rx", "2");
    }
    s.setAttribute("fill", color);
    s.setAttribute("stroke", "#333");
    s.setAttribute("stroke-width", "1");
    svg.appendChild(s);
    return svg;
  }

  function lineIcon(color, width, dashed) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "30");
    svg.setAttribute("height", "12");
    var line = document.createElementNS(SVG, "line");
    line.setAttribute("x1", "1");
    line.setAttribute("y1", "6");
    line.setAttribute("x2", "29");
    line.setAttribute("y2", "6");
    line.setAttribute("stroke", color);
    line.setAttribute("stroke-width", String(width));
    if (dashed) {
      line.setAttribute("stroke-dasharray", "4 3");
    }
    svg.appendChild(line);
    return svg;
  }

  var kindList = document.getElementById("rg-kinds");
  data.legend.kinds.forEach(function (k) {
    var li = el("li");
    li.appendChild(shapeIcon(k.shape, k.color));
    li.appendChild(el("span", k.label));
    kindList.appendChild(li);
  });
  var tierList = document.getElementById("rg-tiers");
  data.legend.tiers.forEach(function (t) {
    var li = el("li");
    li.appendChild(lineIcon(t.color, t.width, t.rank === 0));
    li.appendChild(el("span", t.description));
    tierList.appendChild(li);
  });
  document.getElementById("rg-legend-note").textContent = data.legend.note;

  /* ---- what was left out ----------------------------------------------- */

  var dropped = data.dropped;
  if (dropped.nodes.length || dropped.edges) {
    var note = document.getElementById("rg-note");
    var parts = [];
    if (dropped.nodes.length) {
      parts.push(
        "Showing " + allNodes.length + " of " + dropped.totalNodes + " nodes (--max-nodes " +
          dropped.maxNodes + "); " + dropped.nodes.length + " left out, listed below."
      );
    }
    if (dropped.edges) {
      parts.push(
        dropped.edges + " of " + dropped.totalEdges + " links left out (" + dropped.edgeRule + ")."
      );
    }
    note.appendChild(el("strong", "This explorer does not show everything. "));
    note.appendChild(el("span", parts.join(" ")));
    if (dropped.nodes.length) {
      var details = el("details");
      details.appendChild(el("summary", "Left out (" + dropped.nodes.length + ")"));
      var ul = el("ul");
      dropped.nodes.forEach(function (d) {
        ul.appendChild(el("li", d.label + " (" + d.kind + ")"));
      });
      details.appendChild(ul);
      note.appendChild(details);
    }
    note.hidden = false;
  }

  /* ---- selection: details, neighbours, compare ------------------------- */

  var KIND_NAMES = {
    family: ["Role family", "Families"],
    role: ["Role", "Roles"],
    level: ["Role level", "Role levels"],
    skill: ["Skill", "Skills"],
    tier: ["Proficiency tier", "Tiers"]
  };
  var tierNames = {};
  data.legend.tiers.forEach(function (t) {
    tierNames[t.rank] = t.label;
  });
  function tierName(rank) {
    return tierNames[rank] || "no tier given";
  }
  function byLabel(a, b) {
    var x = a.toLowerCase();
    var y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
  }
  function skillLabel(id) {
    return byId[id] ? byId[id].label : skills[id] || id;
  }
  // Whether a node has a page of its own when served ("tier/none" is no resource).
  function pageOf(id) {
    if (linkBase === null || id === "tier/none" || id.indexOf(":") !== -1) {
      return null;
    }
    return linkBase + id.split("/").map(encodeURIComponent).join("/");
  }

  var detailBox = document.getElementById("rg-details");
  var pickedEdge = null;

  function clear(box) {
    while (box.firstChild) {
      box.removeChild(box.firstChild);
    }
  }

  // A button that selects a node (the keyboard's way along the graph), or plain text
  // when the node is not on the page.
  function nodeButton(id, label) {
    if (!byId[id]) {
      return el("span", label);
    }
    var b = el("button", label, "rg-link");
    b.type = "button";
    b.setAttribute("data-node", id);
    b.addEventListener("click", function () {
      select([id], { centre: true });
    });
    return b;
  }

  function listSection(heading, rows) {
    var sec = el("div", null, "rg-group");
    sec.appendChild(el("h3", heading + " (" + rows.length + ")"));
    var ul = el("ul", null, "rg-list");
    rows.forEach(function (r) {
      var li = el("li");
      li.setAttribute("data-id", r.id);
      li.appendChild(nodeButton(r.id, r.label));
      if (r.note) {
        li.appendChild(el("span", r.note, "rg-tier"));
      }
      ul.appendChild(li);
    });
    sec.appendChild(ul);
    return sec;
  }

  function profileRows(id) {
    var p = profiles[id];
    return Object.keys(p)
      .map(function (s) {
        return { id: s, label: skillLabel(s), tier: p[s], note: tierName(p[s]) };
      })
      .sort(function (a, b) {
        return b.tier - a.tier || byLabel(a.label, b.label);
      });
  }

  // The node's neighbours along the links now shown, grouped by kind, with what the
  // link says: a tier, a number of shared skills, the next or previous level.
  function neighbourGroups(id) {
    var groups = {};
    var hidden = 0;
    (adjacency[id] || []).forEach(function (e) {
      var other = e.from === id ? e.to : e.from;
      if (!current.edges[e.id]) {
        hidden += 1;
        return;
      }
      var o = byId[other];
      if (profiles[id] && o.kind === "skill") {
        return; // listed with the profile's tiers
      }
      var note = "";
      if (e.shared !== undefined) {
        var n = e.shared[Math.max(state.minTier, 1) - 1];
        note = n + (n === 1 ? " shared skill" : " shared skills");
      } else if (e.kind === "next") {
        note = e.from === id ? (byId[id].kind === "role" ? "first level" : "next level") : "previous level";
      } else if (e.kind === "across") {
        note = e.from === id ? "across to the management track" : "across from the main track";
      } else if (e.tier !== undefined) {
        note = tierName(e.tier);
      }
      var rank = e.shared !== undefined ? e.shared[0] : e.tier !== undefined ? e.tier : -1;
      (groups[o.kind] = groups[o.kind] || []).push({ id: other, label: o.label, note: note, rank: rank });
    });
    return { groups: groups, hidden: hidden };
  }

  // The tooltip's lines after the name, without the lists the panel shows itself (the
  // "You can: ..." descriptors stay).
  var NAME_LIST = /^(Role family of|Skill used by) \d+ .*:$/;
  var DASH_LIST = /^(Shares skills with \d+ roles?|Shares \d+ skills? with .*):$/;
  var TIER_LINE = /^- .*: (awareness|working|practitioner|expert|no tier given)$/;
  function facts(item) {
    var lines = String(item.title || "").split("\n");
    if (lines[0] === item.label) {
      lines.shift();
    }
    var out = [];
    var skipping = false;
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      if (NAME_LIST.test(line)) {
        break;
      }
      if (DASH_LIST.test(line)) {
        skipping = true;
        continue;
      }
      if (skipping && (/^- /.test(line) || /^… and \d+ more$/.test(line))) {
        continue;
      }
      skipping = false;
      if (/^Family: /.test(line)) {
        continue;
      }
      if (profiles[item.id] && (/^Uses \d+ skills?$/.test(line) || TIER_LINE.test(line))) {
        continue;
      }
      out.push(line);
    }
    return out.join("\n");
  }

  function nodeDetails(id) {
    var n = byId[id];
    detailBox.appendChild(el("h2", n.label, "rg-details-title"));
    var kind = KIND_NAMES[n.kind] ? KIND_NAMES[n.kind][0] : n.kind;
    detailBox.appendChild(el("p", kind + (n.family && n.kind !== "family" ? " · " + n.family : ""), "rg-small"));
    var href = pageOf(id);
    if (href) {
      var a = el("a", "Open the page of " + n.label);
      a.href = href;
      a.className = "rg-page-link";
      detailBox.appendChild(el("p")).appendChild(a);
    }
    var text = facts(n);
    if (text) {
      detailBox.appendChild(el("p", text, "rg-facts"));
    }
    if (profiles[id]) {
      var rows = profileRows(id);
      var heading = n.kind === "role" ? "Skills, at the highest tier any level needs" : "Skills, at the tier this level needs";
      detailBox.appendChild(listSection(heading, rows));
    }
    var found = neighbourGroups(id);
    Object.keys(KIND_NAMES).forEach(function (k) {
      var rows = found.groups[k];
      if (rows) {
        rows.sort(function (a, b) {
          return b.rank - a.rank || byLabel(a.label, b.label);
        });
        detailBox.appendChild(listSection("Linked " + KIND_NAMES[k][1].toLowerCase(), rows));
      }
    });
    if (found.hidden) {
      detailBox.appendChild(el("p", found.hidden + (found.hidden === 1 ? " link" : " links") + " hidden by the filters.", "rg-small"));
    }
    if (profiles[id]) {
      detailBox.appendChild(compareChooser(id));
    }
  }

  function compareChooser(id) {
    var n = byId[id];
    var wrap = el("p", null, "rg-compare");
    var label = el("label", "Compare with");
    label.htmlFor = "rg-compare-with";
    var sel = document.createElement("select");
    sel.id = "rg-compare-with";
    var none = el("option", n.kind === "level" ? "another level…" : "another role…");
    none.value = "";
    sel.appendChild(none);
    allNodes
      .filter(function (o) {
        return o.id !== id && o.kind === n.kind && profiles[o.id];
      })
      .sort(function (a, b) {
        return byLabel(a.label, b.label);
      })
      .forEach(function (o) {
        var opt = el("option", o.label);
        opt.value = o.id;
        sel.appendChild(opt);
      });
    sel.addEventListener("change", function () {
      if (sel.value) {
        select([id, sel.value], {});
      }
    });
    wrap.appendChild(label);
    wrap.appendChild(sel);
    wrap.appendChild(el("span", "or Ctrl+click (⌘+click) one in the graph.", "rg-small"));
    return wrap;
  }

  function cell(row, text, header) {
    var c = el(header ? "th" : "td", text);
    if (header) {
      c.scope = header;
    }
    row.appendChild(c);
    return c;
  }

  function compareDetails(a, b) {
    var A = byId[a];
    var B = byId[b];
    var pa = profiles[a];
    var pb = profiles[b];
    var shared = [];
    var onlyA = [];
    var onlyB = [];
    Object.keys(pa).forEach(function (s) {
      if (s in pb) {
        shared.push(s);
      } else {
        onlyA.push({ id: s, label: skillLabel(s), tier: pa[s], note: tierName(pa[s]) });
      }
    });
    Object.keys(pb).forEach(function (s) {
      if (!(s in pa)) {
        onlyB.push({ id: s, label: skillLabel(s), tier: pb[s], note: tierName(pb[s]) });
      }
    });
    shared.sort(function (x, y) {
      return byLabel(skillLabel(x), skillLabel(y));
    });
    var order = function (x, y) {
      return y.tier - x.tier || byLabel(x.label, y.label);
    };
    onlyA.sort(order);
    onlyB.sort(order);
    detailBox.appendChild(el("h2", "Compare " + A.label + " and " + B.label, "rg-details-title"));
    detailBox.appendChild(
      el("p", shared.length + (shared.length === 1 ? " shared skill; " : " shared skills; ") +
        A.label + " has " + onlyA.length + " of its own, " + B.label + " " + onlyB.length + ".", "rg-small")
    );
    if (!shared.length) {
      detailBox.appendChild(el("p", "They share no skill.", "rg-small"));
    }
    var table = el("table", null, "rg-compare-table");
    table.hidden = !shared.length;
    table.appendChild(el("caption", "Shared skills (" + shared.length + ")"));
    var head = el("tr");
    cell(head, "Skill", "col");
    cell(head, A.label, "col");
    cell(head, B.label, "col");
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el("tbody");
    shared.forEach(function (s) {
      var tr = el("tr");
      tr.setAttribute("data-id", s);
      var th = cell(tr, null, "row");
      th.appendChild(nodeButton(s, skillLabel(s)));
      cell(tr, tierName(pa[s]));
      cell(tr, tierName(pb[s]));
      body.appendChild(tr);
    });
    table.appendChild(body);
    detailBox.appendChild(table);
    var ga = listSection("Only " + A.label, onlyA);
    ga.id = "rg-only-a";
    detailBox.appendChild(ga);
    var gb = listSection("Only " + B.label, onlyB);
    gb.id = "rg-only-b";
    detailBox.appendChild(gb);
    var p = el("p");
    [a, b].forEach(function (id) {
      p.appendChild(nodeButton(id, "Show " + byId[id].label + " alone"));
      p.appendChild(document.createTextNode(" "));
    });
    detailBox.appendChild(p);
  }

  function edgeDetails(e) {
    detailBox.appendChild(el("h2", byId[e.from].label + " — " + byId[e.to].label, "rg-details-title"));
    var lines = String(e.title || "").split("\n");
    detailBox.appendChild(el("p", lines.join("\n"), "rg-facts"));
  }

  function renderDetails() {
    clear(detailBox);
    var sel = state.selected;
    if (sel.length === 2) {
      compareDetails(sel[0], sel[1]);
    } else if (sel.length === 1) {
      nodeDetails(sel[0]);
    } else if (pickedEdge) {
      edgeDetails(pickedEdge);
    } else {
      detailBox.hidden = true;
      return;
    }
    detailBox.hidden = false;
  }

  var DIM = 0.18;
  var dimmed = false;
  function highlight() {
    var sel = state.selected.filter(function (id) {
      return current.nodes[id];
    });
    var near = {};
    var nearEdge = {};
    sel.forEach(function (id) {
      near[id] = true;
      (adjacency[id] || []).forEach(function (e) {
        if (current.edges[e.id]) {
          near[e.from] = true;
          near[e.to] = true;
          nearEdge[e.id] = true;
        }
      });
    });
    // A role's or level's skills, where the view draws them; compared, the shared ones.
    var own = sel.length === 2 ? (profiles[sel[1]] || {}) : null;
    sel.slice(0, 1).forEach(function (id) {
      Object.keys(profiles[id] || {}).forEach(function (s) {
        if (current.nodes[s] && (own === null || own[s] !== undefined)) {
          near[s] = true;
        }
      });
    });
    api.highlighted = Object.keys(near).sort();
    if (!sel.length && !dimmed) {
      return;
    }
    dimmed = sel.length > 0;
    nodes.update(allNodes.map(function (n) {
      return { id: n.id, opacity: !dimmed || near[n.id] ? 1 : DIM };
    }));
    edges.update(allEdges.map(function (e) {
      var c = {};
      for (var k in e.color) {
        c[k] = e.color[k];
      }
      if (dimmed && !nearEdge[e.id]) {
        c.opacity = 0.08;
      }
      return { id: e.id, color: c };
    }));
    network.selectNodes(sel, true);
  }

  // Keep a node in sight: move to it when it is out of the drawn area.
  function centreOn(id) {
    if (!current.nodes[id]) {
      return;
    }
    var p = network.canvasToDOM(network.getPosition(id));
    if (p.x < 0 || p.y < 0 || p.x > container.clientWidth || p.y > container.clientHeight) {
      network.moveTo({ position: network.getPosition(id), animation: false });
    }
  }

  function select(ids, how) {
    var seen = {};
    state.selected = ids.filter(function (id) {
      var ok = byId[id] !== undefined && !seen[id];
      seen[id] = true;
      return ok;
    }).slice(0, 2);
    if (state.selected.length === 2 && !(profiles[state.selected[0]] && profiles[state.selected[1]])) {
      state.selected = state.selected.slice(1);
    }
    pickedEdge = null;
    highlight();
    if (!state.selected.length) {
      network.unselectAll();
    }
    renderDetails();
    if (how.centre && state.selected.length) {
      centreOn(state.selected[0]);
    }
    if (state.selected.length || pickedEdge) {
      panel.scrollTop = 0;
    }
    if (!how.quiet) {
      writeHash();
    }
  }
  api.select = select;

  network.on("click", function (params) {
    var ev = params.event && params.event.srcEvent;
    var multi = ev && (ev.ctrlKey || ev.metaKey || ev.shiftKey);
    var id = params.pointer ? network.getNodeAt(params.pointer.DOM) : undefined;
    if (id !== undefined) {
      var prev = state.selected;
      if (multi && prev.length && prev[prev.length - 1] !== id && profiles[id] && profiles[prev[prev.length - 1]]) {
        select([prev[prev.length - 1], id], {});
      } else {
        select([id], {});
      }
      return;
    }
    select([], {});
    if (params.edges.length) {
      pickedEdge = edges.get(params.edges[0]);
      renderDetails();
    }
  });

  // The network's focus ring shows when the keyboard brought the focus (vis-network
  // focuses it on every click too).
  document.addEventListener("mousedown", function () {
    document.documentElement.removeAttribute("data-keys");
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Tab") {
      document.documentElement.setAttribute("data-keys", "true");
    }
    if (ev.key === "Escape" && (state.selected.length || pickedEdge)) {
      select([], {});
    }
  });

  /* ---- fitting: every label inside the drawn area ---------------------- */

  var panel = document.getElementById("rg-panel");
  function fitTo(ids) {
    var box = null;
    ids.forEach(function (id) {
      var b = network.getBoundingBox(id);
      if (!b) {
        return;
      }
      if (!box) {
        box = { left: b.left, right: b.right, top: b.top, bottom: b.bottom };
      } else {
        box.left = Math.min(box.left, b.left);
        box.right = Math.max(box.right, b.right);
        box.top = Math.min(box.top, b.top);
        box.bottom = Math.max(box.bottom, b.bottom);
      }
    });
    if (!box) {
      return;
    }
    var pad = 14;
    var w = Math.max(container.clientWidth - 2 * pad, 20);
    var h = Math.max(container.clientHeight - 2 * pad, 20);
    var scale = Math.min(w / Math.max(box.right - box.left, 1), h / Math.max(box.bottom - box.top, 1), 1.5);
    network.moveTo({
      position: { x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 },
      scale: scale,
      animation: false
    });
  }
  function fitVisible() {
    fitTo(visibleIds().nodes);
  }
  api.fit = fitVisible;

  /* ---- the state in the URL fragment ----------------------------------- */

  // #view=overlap&select=role/data-scientist&select=...&q=...&tier=3&shared=2
  //   &hide=Data&zoom=1.25&at=10,-40 : a link reopens the same view of the page.
  var linkNote = document.getElementById("rg-link-status");
  function writeHash() {
    var p = new URLSearchParams();
    var any = false;
    function put(key, value) {
      p.append(key, value);
      any = true;
    }
    state.selected.forEach(function (id) {
      put("select", id);
    });
    if (state.query.trim()) {
      put("q", state.query);
    }
    if (state.minTier) {
      put("tier", String(state.minTier));
    }
    if (data.minShared && state.minShared !== data.minShared["default"]) {
      put("shared", String(state.minShared));
    }
    data.families.forEach(function (f) {
      if (state.families[f.name] === false) {
        put("hide", f.name);
      }
    });
    if (state.camera) {
      put("zoom", String(state.camera.scale));
      put("at", state.camera.x + "," + state.camera.y);
    }
    var text = any ? "#view=" + encodeURIComponent(data.view) + "&" + p.toString() : "";
    if (text === location.hash || (!text && !location.hash)) {
      return;
    }
    var url = location.href.split("#")[0] + text;
    try {
      history.replaceState(null, "", url);
    } catch (err) {
      location.replace(text || "#");
    }
  }
  api.writeHash = writeHash;

  function readHash() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    var notes = [];
    var view = p.get("view");
    if (view && view !== data.view) {
      notes.push("This link was made in the " + view + " view; this page is the " + data.view + " view.");
    }
    state.query = p.get("q") || "";
    search.value = state.query;
    var tier = parseInt(p.get("tier") || "0", 10);
    state.minTier = tier >= 0 && tier <= 4 ? tier : 0;
    tierSelect.value = String(state.minTier);
    if (data.minShared) {
      var shared = parseInt(p.get("shared") || "", 10);
      state.minShared = shared >= 1 && shared <= data.minShared.max ? shared : data.minShared["default"];
      range.value = String(state.minShared);
      out.textContent = String(state.minShared);
    }
    var hide = p.getAll("hide");
    famInputs.forEach(function (box) {
      box.checked = hide.indexOf(box.value) === -1;
      state.families[box.value] = box.checked;
    });
    var zoom = parseFloat(p.get("zoom") || "");
    var at = (p.get("at") || "").split(",").map(parseFloat);
    state.camera = zoom > 0 && at.length === 2 && isFinite(at[0]) && isFinite(at[1])
      ? { scale: zoom, x: at[0], y: at[1] }
      : null;
    var wanted = p.getAll("select");
    var missing = wanted.filter(function (id) {
      return !byId[id];
    });
    if (missing.length) {
      notes.push("Not on this page: " + missing.join(", ") + ".");
    }
    linkNote.textContent = notes.join(" ");
    linkNote.hidden = !notes.length;
    apply({ quiet: true });
    select(wanted, { quiet: true });
    if (state.camera) {
      network.moveTo({ position: { x: state.camera.x, y: state.camera.y }, scale: state.camera.scale, animation: false });
    }
  }
  api.readHash = readHash;
  window.addEventListener("hashchange", readHash);

  // The camera, once the wheel or the drag rests (a burst of replaceState calls is
  // throttled by browsers).
  var cameraTimer = null;
  function noteCamera() {
    if (cameraTimer !== null) {
      clearTimeout(cameraTimer);
    }
    cameraTimer = setTimeout(function () {
      cameraTimer = null;
      var v = network.getViewPosition();
      state.camera = {
        scale: Math.round(network.getScale() * 1000) / 1000,
        x: Math.round(v.x),
        y: Math.round(v.y)
      };
      writeHash();
    }, 200);
  }
  network.on("dragEnd", function (params) {
    if (!params.nodes.length) {
      noteCamera();
    }
  });
  network.on("zoom", noteCamera);
  network.on("resize", function () {
    if (!state.camera && api.ready) {
      fitVisible();
    }
  });

  network.once("afterDrawing", function () {
    // Labels are measured now: fit them all in (vis-network's own fit counts only the
    // nodes' centres), then take the state the link gives.
    network.once("afterDrawing", function () {
      api.ready = true;
      api.drawnAt = performance.now();
      document.documentElement.setAttribute("data-ready", "true");
    });
    fitVisible();
    if (location.hash.length > 1) {
      readHash();
    }
    network.redraw();
  });

  updateCounts();
  }
})();
