/* rolegraph explorer: search, filters, legend and details around a vis-network graph.
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
  var byId = {};
  allNodes.forEach(function (n) {
    byId[n.id] = n;
  });

  var state = {
    query: "",
    minTier: 0,
    minShared: data.minShared ? data.minShared["default"] : 1,
    families: {}
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
    visible: visibleIds
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

  function apply() {
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
      network.selectNodes(v.matches);
      if (v.matches.length) {
        network.fit({ nodes: visibleIds().nodes, animation: false });
      }
    } else {
      status.textContent = "";
      network.unselectAll();
    }
    updateCounts();
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
      network.fit({ animation: false });
    }
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

  /* ---- details of the clicked node ------------------------------------- */

  var detailBox = document.getElementById("rg-details");
  network.on("click", function (params) {
    while (detailBox.firstChild) {
      detailBox.removeChild(detailBox.firstChild);
    }
    var id = params.nodes.length ? params.nodes[0] : null;
    var item = id !== null ? byId[id] : null;
    if (!item && params.edges.length) {
      item = edges.get(params.edges[0]);
    }
    if (!item) {
      detailBox.hidden = true;
      return;
    }
    detailBox.appendChild(el("strong", item.label || ""));
    detailBox.appendChild(el("span", item.title || ""));
    detailBox.hidden = false;
  });

  network.once("afterDrawing", function () {
    api.ready = true;
    api.drawnAt = performance.now();
    document.documentElement.setAttribute("data-ready", "true");
  });

  updateCounts();
  }
})();
