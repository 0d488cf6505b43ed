// Selection (diagram node <-> table row <-> chart point), column sorting and module folding.
(function () {
  'use strict';
  var table = document.getElementById('layer-table');
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var diagram = document.getElementById('diagram');
  var folded = new Set();
  var sort = { col: 0, dir: 1 };

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

  function unfold(row) {
    scopesOf(row).forEach(function (p) {
      folded.delete(p);
      var scope = document.getElementById('s-' + p);
      if (scope) { scope.classList.remove('folded'); }
    });
    applyVisibility();
  }

  function scrollNodeIntoView(node) {
    var box = node.getBoundingClientRect();
    var pane = diagram.getBoundingClientRect();
    diagram.scrollBy({
      left: box.left + box.width / 2 - (pane.left + pane.width / 2),
      top: box.top + box.height / 2 - (pane.top + pane.height / 2),
      behavior: 'smooth'
    });
  }

  function select(name, origin) {
    document.querySelectorAll('.selected').forEach(function (e) { e.classList.remove('selected'); });
    var row = document.getElementById('r-' + name);
    var node = document.getElementById('n-' + name);
    if (row) {
      unfold(row);
      row.classList.add('selected');
      if (origin !== 'row') { row.scrollIntoView({ block: 'center', behavior: 'smooth' }); }
    }
    if (node) {
      node.classList.add('selected');
      if (origin !== 'node') { scrollNodeIntoView(node); }
    }
    document.querySelectorAll('svg.rf-chart circle').forEach(function (c) {
      if (c.getAttribute('data-layer') === name) { c.classList.add('selected'); }
    });
  }

  diagram.querySelectorAll('g.node').forEach(function (node) {
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
        if (folded.has(path)) { folded.delete(path); } else { folded.add(path); }
        row.classList.toggle('folded', folded.has(path));
        applyVisibility();
      } else {
        select(row.getAttribute('data-layer'), 'row');
      }
    });
  });

  function cellValue(row, col, numeric) {
    var cell = row.cells[col];
    return numeric ? Number(cell.getAttribute('data-v') || -1) : cell.textContent.trim().toLowerCase();
  }

  // '#' ascending is the schedule with modules folded as chosen; any other order is a flat list of layers.
  table.tHead.querySelectorAll('th').forEach(function (th) {
    th.addEventListener('click', function () {
      var col = Number(th.getAttribute('data-col'));
      var numeric = th.getAttribute('data-type') === 'num';
      sort = { col: col, dir: sort.col === col ? -sort.dir : (numeric && col !== 0 ? -1 : 1) };
      var ordered = rows.slice();
      if (!inTreeOrder()) {
        ordered = rows.filter(function (r) { return r.classList.contains('layer'); });
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

  document.getElementById('fit').addEventListener('click', function (e) {
    var fit = diagram.classList.toggle('fit');
    e.target.textContent = fit ? 'actual size' : 'fit width';
  });
  applyVisibility();
}());
