/* narratrace provenance graph: an interactive force-directed graph on a canvas, shared by the
   web explorer (served as /static/web.js) and the static report (inlined, CSP-hashed).
   Reads each graph from <script type="application/json">; never builds HTML from data (labels
   go through textContent and canvas fillText); follows only our own links: a site path
   ("/documents/…", the web) or an in-page anchor ("#d3", the report). */
(function () {
  "use strict";

  var COLOURS = { document: "#3466a8", outlet: "#b3661f", origin: "#b22222", speaker: "#2f8a4d" };
  var EDGE = { publishes: "rgba(120,130,140,.35)", quotes: "rgba(47,138,77,.55)",
               duplicate: "rgba(125,79,179,.8)", syndicated: "rgba(125,79,179,.8)",
               rewrite: "rgba(125,79,179,.8)", same_story: "rgba(125,79,179,.45)" };

  function safeHref(href) {
    if (typeof href !== "string") { return null; }
    if (/^#[A-Za-z0-9_-]+$/.test(href)) { return href; }
    return href.charAt(0) === "/" && href.charAt(1) !== "/" && href.indexOf("\\") < 0 ? href : null;
  }

  function Graph(root, data) {
    var canvas = root.querySelector("canvas");
    var tip = root.querySelector(".graph-tip");
    var tools = root.querySelector(".graph-tools");
    var ctx = canvas.getContext("2d");
    canvas.hidden = false;
    tools.hidden = false;

    var byId = {};
    // A graph whose nodes carry a time position t (the corpus graph) is a flow in time: x is
    // fixed by t (left: earliest), and the layout only spreads nodes vertically.
    var columns = {};
    data.nodes.forEach(function (n) { if (typeof n.t === "number") { columns[n.t] = 1; } });
    var SPAN = Math.max(800, Math.sqrt(data.nodes.length) * 80, Object.keys(columns).length * 60);
    var nodes = data.nodes.map(function (n, i) {
      // A deterministic spiral start: the same graph lays out the same way every time.
      var a = i * 2.399963, r = 12 * Math.sqrt(i + 1);
      var timed = typeof n.t === "number" && isFinite(n.t);
      var node = { id: n.id, label: String(n.label || ""), kind: n.kind, href: safeHref(n.href),
                   date: n.date || "", degree: n.degree || 0, x: timed ? n.t * SPAN : r * Math.cos(a),
                   y: r * Math.sin(a), vx: 0, vy: 0, nb: [], tx: timed ? n.t * SPAN : null };
      node.r = 4 + Math.min(10, Math.sqrt(node.degree) * 1.6);
      byId[n.id] = node;
      return node;
    });
    var edges = [];
    data.edges.forEach(function (e) {
      var s = byId[e.source], t = byId[e.target];
      if (s && t) { edges.push({ s: s, t: t, kind: e.kind, directed: e.directed !== false }); s.nb.push(t); t.nb.push(s); }
    });
    // Only the best-connected nodes carry a permanent label; the rest on hover or zoom.
    var labelled = nodes.slice().sort(function (a, b) { return b.degree - a.degree; })
      .slice(0, Math.max(8, Math.round(Math.sqrt(nodes.length) * 1.5)));
    labelled.forEach(function (n) { n.big = true; });

    var axis = Array.isArray(data.axis) ? data.axis.filter(function (a) {
      return a && typeof a.t === "number" && isFinite(a.t);
    }).map(function (a) { return { t: a.t, label: String(a.label || "") }; }) : [];
    var view = { x: 0, y: 0, k: 1 }, width = 0, height = 0, dpr = window.devicePixelRatio || 1;
    var hover = null, alpha = 1, fitted = false;

    function resize() {
      width = root.clientWidth;
      height = Math.max(320, Math.min(window.innerHeight * 0.7, 720));
      canvas.style.width = width + "px";
      canvas.style.height = height + "px";
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      draw();
    }

    function tick() {
      var n = nodes.length, i, j, a, b, dx, dy, d2, f;
      var repulse = 900 * alpha;
      for (i = 0; i < n; i++) {
        a = nodes[i];
        for (j = i + 1; j < n; j++) {
          b = nodes[j];
          dx = a.x - b.x; dy = a.y - b.y; d2 = dx * dx + dy * dy + 0.01;
          if (d2 > 90000) { continue; }  // beyond 300 units the push is negligible
          f = repulse / d2;
          a.vx += dx * f; a.vy += dy * f; b.vx -= dx * f; b.vy -= dy * f;
        }
      }
      edges.forEach(function (e) {
        dx = e.t.x - e.s.x; dy = e.t.y - e.s.y;
        var d = Math.sqrt(dx * dx + dy * dy) || 1, rest = e.kind === "publishes" ? 30 : 55;
        f = (d - rest) / d * 0.06 * alpha;
        e.s.vx += dx * f; e.s.vy += dy * f; e.t.vx -= dx * f; e.t.vy -= dy * f;
      });
      nodes.forEach(function (p) {
        // A timed graph is pulled harder to its middle line: its spread is in time, not height.
        p.vx -= p.x * 0.004 * alpha; p.vy -= p.y * (p.tx !== null ? 0.03 : 0.004) * alpha;
        p.vx *= 0.6; p.vy *= 0.6;
        var v = Math.sqrt(p.vx * p.vx + p.vy * p.vy);
        if (v > 20) { p.vx *= 20 / v; p.vy *= 20 / v; }
        if (!p.fixed) { p.x += p.vx; p.y += p.vy; }
        if (p.tx !== null && !p.fixed) { p.x = p.tx; }
      });
      alpha *= 0.985;
    }

    function fit() {
      if (!nodes.length) { return; }
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      nodes.forEach(function (p) {
        x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y);
      });
      // Leave room on the right for the labels, which are drawn right of their nodes.
      var room = Math.min(150, width * 0.3);
      var k = Math.min((width - room - 30) / (x1 - x0 + 1), (height - 70) / (y1 - y0 + 1), 3);
      view.k = k;
      view.x = (width - room) / 2 - k * (x0 + x1) / 2;
      view.y = height / 2 - k * (y0 + y1) / 2 + (axis.length ? 14 : 0);
      draw();
    }

    function draw() {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      ctx.translate(view.x, view.y);
      ctx.scale(view.k, view.k);
      var near = hover ? hover.nb.concat([hover]) : null;
      ctx.lineWidth = 1 / view.k;
      edges.forEach(function (e) {
        var on = hover && (e.s === hover || e.t === hover);
        ctx.strokeStyle = on ? "rgba(20,20,20,.8)" : (EDGE[e.kind] || "rgba(120,120,120,.4)");
        if (hover && !on) { ctx.globalAlpha = 0.25; }
        ctx.beginPath(); ctx.moveTo(e.s.x, e.s.y); ctx.lineTo(e.t.x, e.t.y); ctx.stroke();
        if (e.directed) {  // an arrowhead at the target's rim: source -> what carries or copies it
          var dx = e.t.x - e.s.x, dy = e.t.y - e.s.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
          var ux = dx / d, uy = dy / d, hx = e.t.x - ux * e.t.r, hy = e.t.y - uy * e.t.r;
          var size = 7 / view.k;
          ctx.fillStyle = ctx.strokeStyle;
          ctx.beginPath(); ctx.moveTo(hx, hy);
          ctx.lineTo(hx - ux * size - uy * size * 0.5, hy - uy * size + ux * size * 0.5);
          ctx.lineTo(hx - ux * size + uy * size * 0.5, hy - uy * size - ux * size * 0.5);
          ctx.closePath(); ctx.fill();
        }
        ctx.globalAlpha = 1;
      });
      if (axis.length) {  // the time axis: publication dates in order, left to right
        var top = Infinity;
        nodes.forEach(function (p) { top = Math.min(top, p.y - p.r); });
        ctx.font = (11 / view.k) + "px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.fillStyle = "#5f6b77";
        ctx.strokeStyle = "rgba(95,107,119,.18)";
        var lastRight = -Infinity;
        axis.forEach(function (tick) {
          var x = tick.t * SPAN, w = ctx.measureText(tick.label).width;
          ctx.beginPath(); ctx.moveTo(x, top - 8 / view.k); ctx.lineTo(x, top + 4000); ctx.stroke();
          if (x - w / 2 > lastRight + 6 / view.k) {  // skip a label that would overlap the last
            ctx.fillText(tick.label, x, top - 14 / view.k);
            lastRight = x + w / 2;
          }
        });
        ctx.textAlign = "start";
      }
      nodes.forEach(function (p) {
        ctx.globalAlpha = near && near.indexOf(p) < 0 ? 0.3 : 1;
        ctx.fillStyle = COLOURS[p.kind] || "#777";
        ctx.beginPath();
        if (p.kind === "outlet") { ctx.rect(p.x - p.r, p.y - p.r, 2 * p.r, 2 * p.r); }
        else { ctx.arc(p.x, p.y, p.r, 0, 6.2832); }
        ctx.fill();
        if (p === hover) { ctx.lineWidth = 2 / view.k; ctx.strokeStyle = "#111"; ctx.stroke(); }
      });
      ctx.globalAlpha = 1;
      var fs = 12 / view.k;
      ctx.font = fs + "px system-ui, sans-serif";
      ctx.textBaseline = "middle";
      var placed = [], order = hover ? [hover].concat(hover.nb) :
        nodes.slice().sort(function (a, b) { return b.degree - a.degree; });
      order.forEach(function (p) {
        var show = p === hover || (near && near.indexOf(p) >= 0) ||
          (!hover && (p.big || view.k > 1.6));
        if (!show) { return; }
        var text = p.label.length > 40 ? p.label.slice(0, 39) + "…" : p.label;
        // Skip a label that would overlap one already drawn (best-connected nodes win).
        var box = { x: p.x + p.r, y: p.y - fs / 2, w: ctx.measureText(text).width + 3 / view.k, h: fs };
        if (p !== hover && placed.some(function (b) {
          return box.x < b.x + b.w && b.x < box.x + box.w && box.y < b.y + b.h && b.y < box.y + box.h;
        })) { return; }
        placed.push(box);
        ctx.lineWidth = 3 / view.k;
        ctx.strokeStyle = "rgba(255,255,255,.9)";
        ctx.strokeText(text, p.x + p.r + 3 / view.k, p.y);
        ctx.fillStyle = "#1d2228";
        ctx.fillText(text, p.x + p.r + 3 / view.k, p.y);
      });
    }

    function run() {
      var start = performance.now();
      while (alpha > 0.02 && performance.now() - start < 14) { tick(); }
      if (!fitted || alpha > 0.02) { fit(); }
      if (alpha > 0.02) { window.requestAnimationFrame(run); }
      else { fitted = true; canvas.setAttribute("data-state", "done"); }
    }

    function toWorld(px, py) { return { x: (px - view.x) / view.k, y: (py - view.y) / view.k }; }

    function nodeAt(px, py) {
      var w = toWorld(px, py), best = null, bestD = Infinity;
      nodes.forEach(function (p) {
        var dx = p.x - w.x, dy = p.y - w.y, d = dx * dx + dy * dy, r = p.r + 4 / view.k;
        if (d < r * r && d < bestD) { best = p; bestD = d; }
      });
      return best;
    }

    function zoom(factor, px, py) {
      var k = Math.max(0.05, Math.min(12, view.k * factor));
      view.x = px - (px - view.x) * k / view.k;
      view.y = py - (py - view.y) * k / view.k;
      view.k = k;
      draw();
    }

    function showTip(p, px, py) {
      if (!p) { tip.hidden = true; return; }
      tip.textContent = p.label + " · " + p.kind + (p.date ? " · " + p.date : "") +
        (p.href ? " — click to open" : "");
      tip.hidden = false;
      tip.style.left = Math.min(px + 12, width - tip.offsetWidth - 4) + "px";
      tip.style.top = (py + 12) + "px";
    }

    var pointers = {}, drag = null, pinch = null;
    function pos(ev) { var r = canvas.getBoundingClientRect(); return { x: ev.clientX - r.left, y: ev.clientY - r.top }; }

    canvas.addEventListener("pointerdown", function (ev) {
      var p = pos(ev);
      pointers[ev.pointerId] = p;
      try { canvas.setPointerCapture(ev.pointerId); } catch (e) { /* synthetic pointer */ }
      var ids = Object.keys(pointers);
      if (ids.length === 2) {
        var a = pointers[ids[0]], b = pointers[ids[1]];
        pinch = { d: Math.hypot(a.x - b.x, a.y - b.y) || 1 };
        drag = null;
        return;
      }
      drag = { x: p.x, y: p.y, vx: view.x, vy: view.y, node: nodeAt(p.x, p.y), moved: false };
    });
    canvas.addEventListener("pointermove", function (ev) {
      var p = pos(ev);
      if (pointers[ev.pointerId]) { pointers[ev.pointerId] = p; }
      var ids = Object.keys(pointers);
      if (pinch && ids.length === 2) {
        var a = pointers[ids[0]], b = pointers[ids[1]], d = Math.hypot(a.x - b.x, a.y - b.y) || 1;
        zoom(d / pinch.d, (a.x + b.x) / 2, (a.y + b.y) / 2);
        pinch.d = d;
        return;
      }
      if (drag) {
        if (Math.abs(p.x - drag.x) + Math.abs(p.y - drag.y) > 4) { drag.moved = true; }
        if (drag.moved && drag.node) {
          var w = toWorld(p.x, p.y);
          drag.node.x = w.x; drag.node.y = w.y; drag.node.fixed = true;
        } else if (drag.moved) {
          view.x = drag.vx + p.x - drag.x; view.y = drag.vy + p.y - drag.y;
        }
        draw();
        return;
      }
      var h = nodeAt(p.x, p.y);
      canvas.style.cursor = h && h.href ? "pointer" : "grab";
      if (h !== hover) { hover = h; draw(); }
      showTip(h, p.x, p.y);
    });
    function up(ev) {
      delete pointers[ev.pointerId];
      if (pinch) { if (Object.keys(pointers).length < 2) { pinch = null; } drag = null; return; }
      if (drag && !drag.moved && drag.node && drag.node.href) { window.location.assign(drag.node.href); }
      drag = null;
    }
    canvas.addEventListener("pointerup", up);
    canvas.addEventListener("pointercancel", up);
    canvas.addEventListener("pointerleave", function () { if (!drag) { hover = null; tip.hidden = true; draw(); } });
    canvas.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var p = pos(ev);
      zoom(Math.exp(-ev.deltaY * 0.0015), p.x, p.y);
    }, { passive: false });
    tools.addEventListener("click", function (ev) {
      var act = ev.target.getAttribute && ev.target.getAttribute("data-act");
      if (act === "in") { zoom(1.4, width / 2, height / 2); }
      if (act === "out") { zoom(1 / 1.4, width / 2, height / 2); }
      if (act === "fit") { fit(); }
    });
    // A graph in a closed <details> or a hidden tab has no width yet: re-fit once it shows.
    var lastWidth = -1;
    this.refresh = function () {
      if (root.clientWidth !== lastWidth) { lastWidth = root.clientWidth; resize(); fit(); }
    };
    window.addEventListener("resize", this.refresh);

    canvas.setAttribute("data-nodes", String(nodes.length));
    resize();
    run();
  }

  // Lay a graph out only when it is first shown (a report holds one per claim family).
  var pending = Array.prototype.slice.call(document.querySelectorAll(".graph[data-graph]"));
  var live = [];
  function start() {
    pending = pending.filter(function (root) {
      if (!root.clientWidth) { return true; }
      var script = document.getElementById(root.getAttribute("data-graph"));
      var canvas = root.querySelector("canvas");
      if (!script || !canvas || !canvas.getContext) { return false; }
      var data;
      try { data = JSON.parse(script.textContent); } catch (e) { return false; }
      if (data && Array.isArray(data.nodes) && Array.isArray(data.edges)) { live.push(new Graph(root, data)); }
      return false;
    });
    live.forEach(function (g) { g.refresh(); });
  }
  window.addEventListener("hashchange", function () { window.setTimeout(start, 0); });
  document.addEventListener("toggle", start, true);
  document.addEventListener("click", function () { window.setTimeout(start, 0); });
  start();
})();
