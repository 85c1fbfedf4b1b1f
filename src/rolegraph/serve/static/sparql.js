/* The /sparql page of rolegraph serve: YASGUI (vendored in static/yasgui/) set up for
   this endpoint only, with the graph's prefixes and the saved queries as examples.
   Nothing here reaches another host: the endpoint catalogue lists this endpoint alone,
   and the autocompleters that ask the web (classes and properties from LOV) are off;
   prefix completion uses YASGUI's bundled list. */
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  if (!root || typeof Yasgui === "undefined") return;
  var config = JSON.parse(root.getAttribute("data-config"));
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    persistenceId: "rolegraph-sparql",
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: []
    },
    yasqe: { value: config.query, autocompleters: ["prefixes", "variables"] },
    yasr: { prefixes: config.prefixes }
  });
  var tab = yasgui.getTab();
  if (tab && !tab.getQuery().trim()) tab.setQuery(config.query);
  var list = document.getElementById("examples");
  config.examples.forEach(function (example) {
    var item = document.createElement("li");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "example";
    button.textContent = example.name;
    button.setAttribute("aria-describedby", "example-" + example.name);
    button.addEventListener("click", function () {
      yasgui.addTab(true, {
        name: example.name,
        yasqe: { value: example.query },
        requestConfig: { endpoint: endpoint }
      });
    });
    var summary = document.createElement("span");
    summary.id = "example-" + example.name;
    summary.textContent = " " + example.summary;
    item.appendChild(button);
    item.appendChild(summary);
    list.appendChild(item);
  });
  // What YASGUI leaves unnamed or out of reach is mended here, on every tab it draws:
  // the endpoint box and the editor get labels, the editor's scrolling area can take the
  // focus (to scroll by keyboard), and the "add tab" button in the tab list is a tab (a
  // tab list holds tabs only; YASGUI inserts new tabs before it, so it cannot move).
  function mend() {
    document.querySelectorAll("#yasgui .autocomplete").forEach(function (el) {
      el.setAttribute("aria-label", "SPARQL endpoint");
    });
    document.querySelectorAll("#yasgui .CodeMirror textarea").forEach(function (el) {
      el.setAttribute("aria-label", "SPARQL query");
    });
    document.querySelectorAll("#yasgui .CodeMirror-scroll").forEach(function (el) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("aria-label", "SPARQL query, scrolled");
    });
    document.querySelectorAll("#yasgui .tabsList .addTab").forEach(function (el) {
      el.setAttribute("role", "tab");
      el.setAttribute("aria-selected", "false");
    });
    document.querySelectorAll("#yasgui .tabsList input[type=text]").forEach(function (el) {
      el.setAttribute("aria-label", "Tab name");
    });
    document.querySelectorAll("#yasgui select.tableSizer").forEach(function (el) {
      el.setAttribute("aria-label", "Results per page");
    });
  }
  mend();
  ["tabAdd", "tabChange", "tabSelect", "query", "queryResponse"].forEach(function (event) {
    yasgui.on(event, function () { window.setTimeout(mend, 0); });
  });
  window.rolegraphYasgui = yasgui;
})();
