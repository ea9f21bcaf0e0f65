/* narratrace report: tabs unpacked on first view, deep links, sortable and filterable tables
   with facets. Reads only the page itself. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var tabs = Array.prototype.slice.call(document.querySelectorAll("section.tab"));
  var links = Array.prototype.slice.call(document.querySelectorAll("nav.tabs a"));

  // ------------------------------------------------------------------ packed tabs
  function unpack(b64) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }

  var loading = {};
  function load(section) {
    if (loading[section.id]) { return loading[section.id]; }
    var data = section.querySelector("script.tab-data");
    var body = section.querySelector(".tab-body");
    if (!data || !body) {
      enhance(section);
      loading[section.id] = Promise.resolve(section);
      return loading[section.id];
    }
    section.setAttribute("aria-busy", "true");
    var work = typeof DecompressionStream === "function" ? unpack(data.textContent)
      : Promise.reject(new Error("no DecompressionStream"));
    loading[section.id] = work.then(function (html) {
      body.innerHTML = html;
      data.remove();
      enhance(body);
      section.removeAttribute("aria-busy");
      section.setAttribute("data-ready", "");
      return section;
    }, function () {
      body.textContent = "This browser cannot unpack this tab (it needs DecompressionStream: " +
        "Chromium 80, Firefox 113, Safari 16.4 or later). analysis.json holds the same data.";
      section.removeAttribute("aria-busy");
      return section;
    });
    return loading[section.id];
  }

  function sectionFor(id) {
    var m = /^([a-z]+)\d+$/.exec(id || "");
    if (!m) { return null; }
    for (var i = 0; i < tabs.length; i++) {
      if ((tabs[i].getAttribute("data-anchors") || "") === m[1]) { return tabs[i]; }
    }
    return null;
  }

  function show(id) {
    var target = id ? document.getElementById(id) : null;
    var section = target ? target.closest("section.tab") : sectionFor(id);
    if (!section) { section = tabs[0]; id = ""; }
    tabs.forEach(function (t) { t.classList.toggle("active", t === section); });
    links.forEach(function (a) { a.classList.toggle("active", a.getAttribute("href") === "#" + section.id); });
    load(section).then(function () {
      var el = id ? document.getElementById(id) : null;
      if (!el || el === section) { return; }
      for (var p = el; p && p !== section; p = p.parentElement) {
        if (p.tagName === "DETAILS") { p.open = true; }
        if (p.tagName === "TR" && p.hidden) { p.hidden = false; }
      }
      el.scrollIntoView();
    });
  }

  function fromHash() { show(decodeURIComponent(location.hash.slice(1))); }
  window.addEventListener("hashchange", fromHash);

  // ------------------------------------------------------------------ tables
  // A table.data gets a text filter, a facet menu per <th data-facet> (values from each cell's
  // data-f, else data-v, else its text; counts beside them) and sorting on a click of any header (a cell's
  // data-v first, numbers as numbers). Rows hidden by a filter are counted, never removed.
  function cellValue(row, col, attr) {
    var cell = row.cells[col];
    if (!cell) { return ""; }
    var v = (attr && cell.getAttribute(attr)) || cell.getAttribute("data-v");
    return v !== null ? v : cell.textContent.trim();
  }

  function enhanceTable(table) {
    var body = table.tBodies[0], head = table.tHead;
    if (!body || !head || table.getAttribute("data-enhanced")) { return; }
    table.setAttribute("data-enhanced", "");
    var rows = Array.prototype.slice.call(body.rows);
    var heads = Array.prototype.slice.call(head.rows[0].cells);
    var text = rows.map(function (r) { return r.textContent.toLowerCase(); });
    var bar = document.createElement("div");
    bar.className = "table-tools";
    var search = document.createElement("input");
    search.type = "search";
    search.placeholder = "Filter " + (table.getAttribute("data-what") || "rows") + "…";
    search.setAttribute("aria-label", search.placeholder);
    bar.appendChild(search);
    var facets = [];
    heads.forEach(function (th, col) {
      if (!th.hasAttribute("data-facet")) { return; }
      var counts = {};
      rows.forEach(function (r) { var v = cellValue(r, col, "data-f"); counts[v] = (counts[v] || 0) + 1; });
      // Most frequent first; a column of dates (data-facet="ordered") in its own order.
      var ordered = th.getAttribute("data-facet") === "ordered";
      var values = Object.keys(counts).sort(function (a, b) {
        return (ordered ? 0 : counts[b] - counts[a]) || (a < b ? -1 : a > b ? 1 : 0);
      });
      if (values.length < 2) { return; }
      var select = document.createElement("select");
      var name = th.textContent.trim();
      select.setAttribute("aria-label", "Facet: " + name);
      select.setAttribute("data-col", String(col));
      var all = document.createElement("option");
      all.value = "\u0000";
      all.textContent = name + ": all";
      select.appendChild(all);
      values.forEach(function (v) {
        var o = document.createElement("option");
        o.value = v;
        o.textContent = (v || "(none)") + " (" + counts[v] + ")";
        select.appendChild(o);
      });
      bar.appendChild(select);
      facets.push(select);
    });
    var shown = document.createElement("span");
    shown.className = "muted small shown";
    bar.appendChild(shown);
    var box = table.closest(".scroll") || table;
    box.parentNode.insertBefore(bar, box);

    function apply() {
      var q = search.value.toLowerCase(), n = 0;
      rows.forEach(function (r, i) {
        var ok = q === "" || text[i].indexOf(q) >= 0;
        for (var f = 0; ok && f < facets.length; f++) {
          var want = facets[f].value;
          ok = want === "\u0000" || cellValue(r, +facets[f].getAttribute("data-col"), "data-f") === want;
        }
        r.hidden = !ok;
        n += ok ? 1 : 0;
      });
      shown.textContent = n === rows.length ? rows.length + " rows" : n + " of " + rows.length + " rows";
    }
    search.addEventListener("input", apply);
    facets.forEach(function (s) { s.addEventListener("change", apply); });
    apply();

    heads.forEach(function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      var numeric = th.classList.contains("num");
      button.addEventListener("click", function () {
        var up = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        var keyed = rows.map(function (r, i) {
          var v = cellValue(r, col);
          return { r: r, i: i, k: numeric ? parseFloat(v) : v.toLowerCase() };
        });
        keyed.sort(function (a, b) {
          var x = a.k, y = b.k, c;
          if (numeric) { c = (isNaN(x) ? -Infinity : x) - (isNaN(y) ? -Infinity : y); }
          else { c = x < y ? -1 : x > y ? 1 : 0; }
          return (up ? c : -c) || a.i - b.i;
        });
        var frag = document.createDocumentFragment();
        keyed.forEach(function (k) { frag.appendChild(k.r); });
        body.appendChild(frag);
      });
    });
  }

  // ------------------------------------------------------------------ paged lists
  // A div.paged shows its first items; the others wait in inert <template class="page"> blocks
  // (parsed, never styled or laid out) until the "Show more" button after it adds the next one.
  function enhancePaged(list) {
    var bar = list.nextElementSibling;
    var button = bar && bar.querySelector("button.more");
    if (!button) { return; }
    var shown = bar.querySelector(".shown");
    var total = shown ? shown.textContent.replace(/^\d+/, "") : "";
    button.addEventListener("click", function () {
      var next = list.querySelector("template.page");
      if (next) { list.insertBefore(next.content, next); next.remove(); }
      var count = list.querySelectorAll(":scope > :not(template)").length;
      if (shown) { shown.textContent = count + total; }
      if (!list.querySelector("template.page")) { button.hidden = true; }
    });
  }

  function enhance(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("table.data"), enhanceTable);
    Array.prototype.forEach.call(scope.querySelectorAll("div.paged"), enhancePaged);
  }

  fromHash();
})();
