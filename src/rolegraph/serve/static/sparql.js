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
  window.rolegraphYasgui = yasgui;
})();
