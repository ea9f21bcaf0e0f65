/* narratrace report: tabs, deep links and a document filter. Reads only the page itself. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var tabs = Array.prototype.slice.call(document.querySelectorAll("section.tab"));
  var links = Array.prototype.slice.call(document.querySelectorAll("nav.tabs a"));

  function show(id) {
    var target = id ? document.getElementById(id) : null;
    var section = target ? target.closest("section.tab") : null;
    if (!section) { section = tabs[0]; target = null; }
    tabs.forEach(function (t) { t.classList.toggle("active", t === section); });
    links.forEach(function (a) { a.classList.toggle("active", a.getAttribute("href") === "#" + section.id); });
    if (target && target !== section) {
      if (target.tagName === "DETAILS") { target.open = true; }
      target.scrollIntoView();
    }
  }

  function fromHash() { show(decodeURIComponent(location.hash.slice(1))); }
  window.addEventListener("hashchange", fromHash);
  fromHash();

  var filter = document.getElementById("docfilter");
  if (filter) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("#doctable tbody tr"));
    filter.addEventListener("input", function () {
      var q = filter.value.toLowerCase();
      rows.forEach(function (r) { r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0; });
    });
  }
})();
