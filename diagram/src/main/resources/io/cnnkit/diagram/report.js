// Selection (diagram node <-> table row <-> chart point), search by layer name, zoom and pan of the
// diagram, column sorting and module folding.
(function () {
  'use strict';
  var table = document.getElementById('layer-table');
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var layerRows = rows.filter(function (r) { return r.classList.contains('layer'); });
  var tableScroll = document.getElementById('table-scroll');
  var diagram = document.getElementById('diagram');
  var canvas = diagram.querySelector('.canvas');
  var svg = canvas.querySelector('svg');
  var svgWidth = Number(svg.getAttribute('width'));
  var svgHeight = Number(svg.getAttribute('height'));
  var folded = new Set();
  var sort = { col: 0, dir: 1 };

  // ---- zoom and pan: one transform on the canvas, scale about a point of the pane ----
  var view = { scale: 1, x: 0, y: 0 };
  var MIN_SCALE = 0.05, MAX_SCALE = 4;

  function apply() {
    canvas.style.transform = 'translate(' + view.x + 'px,' + view.y + 'px) scale(' + view.scale + ')';
  }

  function zoomAt(factor, px, py) {
    var scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale * factor));
    view.x = px - (px - view.x) * scale / view.scale;
    view.y = py - (py - view.y) * scale / view.scale;
    view.scale = scale;
    apply();
  }

  function zoomAtCentre(factor) {
    zoomAt(factor, diagram.clientWidth / 2, diagram.clientHeight / 2);
  }

  function fitAll() {
    view.scale = Math.min(1, diagram.clientWidth / svgWidth, diagram.clientHeight / svgHeight);
    view.x = (diagram.clientWidth - svgWidth * view.scale) / 2;
    view.y = 0;
    apply();
  }

  // at first the top of the diagram at a size where text can be read, as wide as the pane allows
  function initialView() {
    view.scale = Math.max(0.75, Math.min(1, diagram.clientWidth / svgWidth));
    view.x = Math.max(0, (diagram.clientWidth - svgWidth * view.scale) / 2);
    if (svgWidth * view.scale > diagram.clientWidth) {
      // wider than the pane: start from the first node
      var first = svg.querySelector('g.node > rect, g.node > ellipse, g.node > path');
      var box = first ? first.getBBox() : { x: 0, width: 0 };
      view.x = diagram.clientWidth / 2 - (box.x + box.width / 2) * view.scale;
    }
    view.y = 0;
    apply();
  }

  function centreOn(node) {
    var shape = node.querySelector('rect, ellipse, path');
    var box = shape.getBBox();
    if (view.scale < 0.8) { view.scale = 1; }
    view.x = diagram.clientWidth / 2 - (box.x + box.width / 2) * view.scale;
    view.y = diagram.clientHeight / 2 - (box.y + box.height / 2) * view.scale;
    apply();
  }

  diagram.addEventListener('wheel', function (e) {
    e.preventDefault();
    var pane = diagram.getBoundingClientRect();
    zoomAt(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)), e.clientX - pane.left, e.clientY - pane.top);
  }, { passive: false });

  var drag = null;
  var dragged = false;
  diagram.addEventListener('pointerdown', function (e) {
    if (e.button !== 0) { return; }
    drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, id: e.pointerId };
    dragged = false;
  });
  diagram.addEventListener('pointermove', function (e) {
    if (!drag) { return; }
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!dragged && Math.abs(dx) + Math.abs(dy) > 4) {
      dragged = true;
      diagram.classList.add('panning');
      diagram.setPointerCapture(drag.id);
    }
    if (dragged) {
      view.x = drag.vx + dx;
      view.y = drag.vy + dy;
      apply();
    }
  });
  function endDrag() {
    drag = null;
    diagram.classList.remove('panning');
  }
  diagram.addEventListener('pointerup', endDrag);
  diagram.addEventListener('pointercancel', endDrag);
  // a drag that ends on a node is a pan, not a click
  diagram.addEventListener('click', function (e) {
    if (dragged) { e.stopPropagation(); e.preventDefault(); dragged = false; }
  }, true);
  diagram.addEventListener('keydown', function (e) {
    var step = 60;
    var moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[e.key]) {
      view.x += moves[e.key][0];
      view.y += moves[e.key][1];
      apply();
      e.preventDefault();
    } else if (e.key === '+' || e.key === '=') {
      zoomAtCentre(1.25);
    } else if (e.key === '-') {
      zoomAtCentre(0.8);
    }
  });
  document.getElementById('zoom-in').addEventListener('click', function () { zoomAtCentre(1.25); });
  document.getElementById('zoom-out').addEventListener('click', function () { zoomAtCentre(0.8); });
  document.getElementById('zoom-fit').addEventListener('click', fitAll);
  document.getElementById('zoom-reset').addEventListener('click', function () {
    var selected = svg.querySelector('g.node.selected');
    view.scale = 1;
    if (selected) { centreOn(selected); } else { initialView(); }
  });

  // ---- the table: folding and selection ----
  function scopesOf(row) {
    var s = row.getAttribute('data-scopes');
    return s ? s.split(' ') : [];
  }

  function inTreeOrder() {
    return sort.col === 0 && sort.dir === 1;
  }

  function applyVisibility() {
    var flat = !inTreeOrder();
    table.classList.toggle('flat', flat);
    rows.forEach(function (row) {
      var hidden = !flat && scopesOf(row).some(function (p) { return folded.has(p); });
      row.classList.toggle('hidden', hidden);
    });
  }

  function setFolded(path, fold) {
    if (fold) { folded.add(path); } else { folded.delete(path); }
    var scope = document.getElementById('s-' + path);
    if (scope) { scope.classList.toggle('folded', fold); }
  }

  function unfold(row) {
    scopesOf(row).forEach(function (p) { setFolded(p, false); });
    applyVisibility();
  }

  // the node that shows a layer or module: its own, else that of the innermost collapsed module holding it
  function nodeFor(name, row) {
    var node = document.getElementById('n-' + name);
    if (node) { return node; }
    var scopes = row ? scopesOf(row) : [];
    for (var i = scopes.length - 1; i >= 0; i--) {
      node = document.getElementById('n-' + scopes[i]);
      if (node) { return node; }
    }
    return null;
  }

  function rowFor(name) {
    return document.getElementById('r-' + name) || document.getElementById('s-' + name);
  }

  function scrollRowIntoView(row) {
    var pane = tableScroll.getBoundingClientRect();
    var box = row.getBoundingClientRect();
    tableScroll.scrollTop += box.top + box.height / 2 - (pane.top + pane.height / 2);
  }

  function select(name, origin) {
    document.querySelectorAll('.selected').forEach(function (e) { e.classList.remove('selected'); });
    var row = rowFor(name);
    var node = nodeFor(name, row);
    if (row) {
      unfold(row);
      row.classList.add('selected');
      if (origin !== 'row') { scrollRowIntoView(row); }
    }
    if (node) {
      node.classList.add('selected');
      if (origin !== 'node') { centreOn(node); }
    }
    document.querySelectorAll('svg.rf-chart circle').forEach(function (c) {
      if (c.getAttribute('data-layer') === name) { c.classList.add('selected'); }
    });
  }

  svg.querySelectorAll('g.node').forEach(function (node) {
    if (node.id.indexOf('n-') === 0) {
      node.addEventListener('click', function () { select(node.id.substring(2), 'node'); });
    }
  });
  document.querySelectorAll('svg.rf-chart circle').forEach(function (c) {
    c.addEventListener('click', function () { select(c.getAttribute('data-layer'), 'chart'); });
  });
  rows.forEach(function (row) {
    row.addEventListener('click', function () {
      if (row.classList.contains('scope')) {
        var path = row.getAttribute('data-path');
        setFolded(path, !folded.has(path));
        applyVisibility();
        var node = document.getElementById('n-' + path);
        if (node) { select(path, 'row'); }
      } else {
        select(row.getAttribute('data-layer'), 'row');
      }
    });
  });

  // ---- search by layer name: every match marked, Enter steps through them ----
  var search = document.getElementById('search');
  var count = document.getElementById('search-count');
  var matches = [];
  var current = -1;

  function markMatches(query) {
    document.querySelectorAll('.match').forEach(function (e) { e.classList.remove('match'); });
    matches = [];
    current = -1;
    if (query) {
      matches = layerRows.filter(function (r) { return r.getAttribute('data-layer').toLowerCase().indexOf(query) >= 0; });
      matches.forEach(function (r) {
        r.classList.add('match');
        var node = nodeFor(r.getAttribute('data-layer'), r);
        if (node) { node.classList.add('match'); }
      });
    }
    count.textContent = query ? (matches.length ? matches.length + ' found' : 'none') : '';
  }

  function next(step) {
    if (!matches.length) { return; }
    current = (current + step + matches.length) % matches.length;
    select(matches[current].getAttribute('data-layer'), 'search');
    count.textContent = (current + 1) + ' of ' + matches.length;
  }

  search.addEventListener('input', function () {
    markMatches(search.value.trim().toLowerCase());
    next(1);
  });
  search.addEventListener('keydown', function (e) {
    if (e.key === 'Enter') {
      next(e.shiftKey ? -1 : 1);
      e.preventDefault();
    } else if (e.key === 'Escape') {
      search.value = '';
      markMatches('');
    }
  });

  // ---- sorting: '#' ascending is the schedule with modules folded as chosen; any other order a flat list ----
  function cellValue(row, col, numeric) {
    var cell = row.cells[col];
    return numeric ? Number(cell.getAttribute('data-v') || -1) : cell.textContent.trim().toLowerCase();
  }

  table.tHead.querySelectorAll('th').forEach(function (th) {
    th.addEventListener('click', function () {
      var col = Number(th.getAttribute('data-col'));
      var numeric = th.getAttribute('data-type') === 'num';
      sort = { col: col, dir: sort.col === col ? -sort.dir : (numeric && col !== 0 ? -1 : 1) };
      var ordered = rows.slice();
      if (!inTreeOrder()) {
        ordered = layerRows.slice();
        ordered.sort(function (a, b) {
          var x = cellValue(a, col, numeric), y = cellValue(b, col, numeric);
          return (x < y ? -1 : x > y ? 1 : 0) * sort.dir;
        });
      }
      ordered.forEach(function (r) { body.appendChild(r); });
      rows.forEach(function (r) { if (ordered.indexOf(r) < 0) { body.appendChild(r); } });
      table.tHead.querySelectorAll('th').forEach(function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
      th.classList.add(sort.dir === 1 ? 'sorted-asc' : 'sorted-desc');
      applyVisibility();
    });
  });

  // modules nested past depth 1 start folded: a deep network opens on its stages and their blocks
  function foldPastDepthOne() {
    rows.forEach(function (row) {
      if (row.classList.contains('scope')) {
        setFolded(row.getAttribute('data-path'), Number(row.getAttribute('data-level')) >= 1);
      }
    });
    applyVisibility();
  }
  document.getElementById('fold-all').addEventListener('click', foldPastDepthOne);
  document.getElementById('unfold-all').addEventListener('click', function () {
    Array.from(folded).forEach(function (p) { setFolded(p, false); });
    applyVisibility();
  });

  foldPastDepthOne();
  initialView();
}());
