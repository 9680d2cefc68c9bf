/* pai-deps explorer: the registry's graph with pan, zoom, search, focus, and a panel per
 * tool. Every name and description is someone else's text: it only ever reaches the page
 * through textContent (never innerHTML), and the canvas draws labels as text. */
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('pai-data').textContent);
  var config = JSON.parse(document.getElementById('pai-config').textContent);
  var FILL = config.fill;
  // Maps, not objects: a tool may well be called `__proto__` or `constructor`.
  var tools = new Map();
  data.tools.forEach(function (tool) { tools.set(tool.id, tool); });
  // Up to `dagreMax` tools dagre lays the graph out; its cost grows much faster than the
  // graph (seconds by 500 tools), so beyond that the page's own layered layout (linear
  // per sweep) takes over. Beyond `fastMin` edges are drawn straight, without arrows,
  // and hidden while panning.
  var layered = data.graph.nodes.length > config.dagreMax;
  var large = data.graph.nodes.length > config.fastMin;
  // Graph elements get synthetic ids (n0, n1, ...): the layout's own maps are plain
  // objects, which a tool id such as `__proto__` would corrupt.
  var elementId = new Map();
  data.graph.nodes.forEach(function (n, i) { elementId.set(n.id, 'n' + i); });
  function toolOf(node) { return node.data('tool'); }

  function $(id) { return document.getElementById(id); }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function percent(value) { return (value * 100).toFixed(1) + '%'; }

  // `2026-11-20T10:00:00.000Z` as `2026-11-20 10:00` (the cell's title keeps it whole).
  function when(stamp) { return stamp ? [stamp.slice(0, 16).replace('T', ' '), 'when', stamp] : ['never', 'when']; }

  // -- the health summary --------------------------------------------------------------

  function summary() {
    var h = data.health;
    $('title').textContent = data.title;
    var status = $('status');
    status.textContent = data.status;
    status.classList.add(data.status);
    $('generated').textContent = 'generated ' + data.generatedAt;
    var figures = [
      ['Tools', h.tools], ['Dependencies', h.dependencies], ['Total debt', h.totalDebt],
      ['Avg reliability', percent(h.avgReliability)],
      ['Verified', h.verified + ' of ' + h.tools], ['Open cycles', h.cycles],
      ['At-risk chains', h.atRisk.length], ['High debt', h.highDebt]
    ];
    figures.forEach(function (pair) {
      var row = el('div');
      row.appendChild(el('dt', pair[0]));
      row.appendChild(el('dd', pair[1]));
      $('figures').appendChild(row);
    });
    h.issues.forEach(function (issue) {
      $('issues').appendChild(el('li', issue.severity + ': ' + issue.message, issue.severity));
    });
  }

  // -- the graph -------------------------------------------------------------------------

  function elements() {
    var nodes = data.graph.nodes.map(function (n) {
      var tool = tools.get(n.id);
      var classes = ['t-' + n.type.replace('+', '-')];
      if (n.stub) { classes.push('stub'); }
      if (tool.inCycle) { classes.push('cycle'); }
      if (tool.atRisk) { classes.push('at-risk'); }
      if (n.focus) { classes.push('focus'); }
      return {
        group: 'nodes',
        data: { id: elementId.get(n.id), tool: n.id, label: n.name, w: Math.min(240, 16 + 6.5 * n.name.length) },
        classes: classes
      };
    });
    var edges = data.graph.edges.map(function (e, i) {
      var classes = [];
      if (e.cycle) { classes.push('cycle'); }
      if (e.optional) { classes.push('optional'); }
      return { group: 'edges', data: { id: 'e' + i, source: elementId.get(e.from), target: elementId.get(e.to) }, classes: classes };
    });
    return nodes.concat(edges);
  }

  function style() {
    var rules = [
      { selector: 'node', style: {
        'shape': 'round-rectangle', 'width': 'data(w)', 'height': 26,
        'label': 'data(label)', 'font-size': 11, 'text-valign': 'center', 'text-halign': 'center',
        'text-max-width': 230, 'text-wrap': 'ellipsis', 'min-zoomed-font-size': 7,
        'background-color': '#fff', 'border-width': 1, 'border-color': '#90a4ae' } },
      { selector: 'node.stub', style: { 'border-style': 'dashed', 'background-color': config.stubFill } },
      { selector: 'node.at-risk', style: { 'border-color': '#ef6c00', 'border-width': 4, 'border-style': 'double' } },
      { selector: 'node.cycle', style: { 'border-color': '#d32f2f', 'border-width': 3 } },
      { selector: 'node.focus', style: { 'border-color': '#1565c0', 'border-width': 4 } },
      { selector: 'edge', style: {
        'width': 1, 'line-color': '#9e9e9e', 'target-arrow-color': '#9e9e9e',
        'curve-style': large ? 'haystack' : 'bezier',
        'target-arrow-shape': large ? 'none' : 'triangle', 'arrow-scale': 0.7 } },
      { selector: 'edge.optional', style: { 'line-style': 'dotted' } },
      { selector: 'edge.cycle', style: { 'line-color': '#d32f2f', 'target-arrow-color': '#d32f2f', 'width': 2.5 } },
      { selector: '.faded', style: { 'opacity': 0.15 } },
      { selector: 'node.match', style: { 'background-color': '#ffeb3b', 'border-color': '#f57f17', 'border-width': 4, 'z-index': 10 } },
      { selector: 'node:selected', style: { 'background-color': '#bbdefb', 'border-color': '#1565c0', 'border-width': 4 } },
      { selector: 'edge.near', style: { 'line-color': '#1565c0', 'target-arrow-color': '#1565c0', 'width': 2, 'opacity': 1 } },
      { selector: '.hidden', style: { 'display': 'none' } }
    ];
    Object.keys(FILL).forEach(function (type) {
      rules.splice(1, 0, { selector: 'node.t-' + type.replace('+', '-'), style: { 'background-color': FILL[type] } });
    });
    return rules;
  }

  // The page's own layered layout: each tool in the column of its longest path to a tool
  // that uses nothing (providers right, each consumer just left of its furthest provider,
  // so an unused tool sits near what it uses; a cycle is broken where it is first met),
  // then a few barycentre sweeps order each column to uncross edges; ties keep tools of
  // one type together. Worked out right to left, drawn mirrored.
  function layeredPositions(ids, edges) {
    var out = new Map(), into = new Map(), indegree = new Map(), layer = new Map(), done = new Set();
    ids.forEach(function (id) { out.set(id, []); into.set(id, []); indegree.set(id, 0); layer.set(id, 0); });
    edges.forEach(function (e) {
      if (e.from === e.to || !out.has(e.from) || !out.has(e.to)) { return; }
      out.get(e.to).push(e.from);  // walked from the providers
      into.get(e.from).push(e.to);
      indegree.set(e.from, indegree.get(e.from) + 1);
    });
    var queue = ids.filter(function (id) { return indegree.get(id) === 0; });
    var next = 0, head = 0;
    while (head < queue.length || next < ids.length) {
      if (head === queue.length) {  // only cycles left: start at the first one unplaced
        while (next < ids.length && done.has(ids[next])) { next += 1; }
        if (next === ids.length) { break; }
        queue.push(ids[next]);
      }
      var id = queue[head++];
      if (done.has(id)) { continue; }
      done.add(id);
      out.get(id).forEach(function (to) {
        if (done.has(to)) { return; }
        layer.set(to, Math.max(layer.get(to), layer.get(id) + 1));
        indegree.set(to, indegree.get(to) - 1);
        if (indegree.get(to) === 0) { queue.push(to); }
      });
    }
    var columns = [];
    ids.forEach(function (id) { (columns[layer.get(id)] = columns[layer.get(id)] || []).push(id); });
    columns = columns.filter(Boolean);
    var rank = new Map();
    var byType = function (a, b) {
      var ta = tools.get(a).type, tb = tools.get(b).type;
      return ta < tb ? -1 : ta > tb ? 1 : (a < b ? -1 : a > b ? 1 : 0);
    };
    columns.forEach(function (column) {
      column.sort(byType);
      column.forEach(function (id, i) { rank.set(id, i / column.length); });
    });
    var sweep = function (column, neighbours) {
      var weight = new Map();
      column.forEach(function (id) {
        var sum = 0, count = 0;
        neighbours.get(id).forEach(function (other) {
          if (rank.has(other)) { sum += rank.get(other); count += 1; }
        });
        weight.set(id, count ? sum / count : rank.get(id));
      });
      column.sort(function (a, b) { return weight.get(a) - weight.get(b) || byType(a, b); });
      column.forEach(function (id, i) { rank.set(id, i / column.length); });
    };
    for (var round = 0; round < 4; round++) {
      for (var i = 1; i < columns.length; i++) { sweep(columns[i], into); }
      for (var j = columns.length - 2; j >= 0; j--) { sweep(columns[j], out); }
    }
    var positions = new Map();
    columns.forEach(function (column, x) {
      column.forEach(function (id, y) {
        positions.set(id, { x: (columns.length - 1 - x) * 300, y: (y - column.length / 2) * 34 });
      });
    });
    return positions;
  }

  // Lay out `eles` (all, or a focus): dagre when small enough, else the layered columns.
  function layoutOf(eles) {
    var nodes = eles.nodes();
    if (nodes.length <= config.dagreMax) { return dagreLayout(eles); }
    var ids = nodes.map(toolOf);
    var kept = new Set(ids);
    var edges = data.graph.edges.filter(function (e) { return kept.has(e.from) && kept.has(e.to); });
    var positions = layeredPositions(ids, edges);
    return { name: 'preset', eles: eles, fit: true, padding: 20,
             positions: function (node) { return positions.get(toolOf(node)); } };
  }

  function dagreLayout(eles) {
    return { name: 'dagre', rankDir: 'LR', nodeSep: 8, rankSep: 70, edgeSep: 4,
             animate: false, fit: true, padding: 20, eles: eles };
  }

  var started = performance.now();
  var cy = cytoscape({
    container: $('graph'),
    elements: elements(),
    style: style(),
    layout: { name: 'null' },
    minZoom: 0.02,
    maxZoom: 4,
    boxSelectionEnabled: false,
    selectionType: 'single',
    textureOnViewport: large,
    hideEdgesOnViewport: large,
    pixelRatio: large ? 1 : 'auto'
  });
  cy.layout(layoutOf(cy.elements())).run();
  var layoutMs = Math.round(performance.now() - started);
  var home = new Map();
  cy.nodes().forEach(function (node) { home.set(toolOf(node), Object.assign({}, node.position())); });
  $('node-count').textContent = cy.nodes().length + ' tools, ' + cy.edges().length + ' edges';
  $('mode').textContent = layered
    ? 'large graph: laid out in layers by the page; select a tool and Focus to see its neighbourhood'
    : '';

  // -- the tool panel ----------------------------------------------------------------------

  function toolButton(id, note) {
    var li = el('li');
    var button = el('button', id);
    button.type = 'button';
    button.dataset.tool = id;
    button.addEventListener('click', function () { select(id, true); });
    li.appendChild(button);
    if (note) { li.appendChild(el('span', note, 'note')); }
    return li;
  }

  function edgeNote(e) {
    var parts = [];
    if (e.type && e.type !== 'runtime') { parts.push(e.type); }
    if (e.optional) { parts.push('optional'); }
    if (e.cycle) { parts.push('on a cycle'); }
    return parts.join(', ');
  }

  function fact(list, label, value, className) {
    list.appendChild(el('dt', label));
    list.appendChild(el('dd', value, className));
  }

  function table(node, headers, rows, empty) {
    clear(node);
    if (!rows.length) {
      var tr = el('tr');
      var td = el('td', empty, 'empty');
      td.colSpan = headers.length;
      tr.appendChild(td);
      node.appendChild(tr);
      return;
    }
    var head = el('tr');
    headers.forEach(function (h) { head.appendChild(el('th', h)); });
    node.appendChild(head);
    rows.forEach(function (row) {
      var tr = el('tr');
      row.forEach(function (cell) {
        var td = el('td', cell[0], cell[1]);
        if (cell[2]) { td.title = cell[2]; }
        tr.appendChild(td);
      });
      node.appendChild(tr);
    });
  }

  var STATUS_CLASS = { valid: 'good', pass: 'good', drift: 'warn', skip: 'warn', broken: 'bad', fail: 'bad' };

  function showPanel(id) {
    var tool = tools.get(id);
    if ($('panel').hidden) {
      $('panel').hidden = false;
      cy.resize();  // the graph's box just narrowed
    }
    $('panel').dataset.tool = id;
    $('panel-title').textContent = tool.name;
    $('panel-id').textContent = tool.id === tool.name ? tool.type : tool.id + ' · ' + tool.type;
    $('panel-description').textContent = tool.description || '';
    var facts = $('panel-facts');
    clear(facts);
    if (tool.stub) { fact(facts, 'Stub', 'yes: depended on, never registered', 'warn'); }
    if (tool.version) { fact(facts, 'Version', tool.version); }
    fact(facts, 'Reliability', percent(tool.reliability));
    fact(facts, 'Chain reliability', percent(tool.compound) + (tool.atRisk ? ' (at risk: below ' + percent(data.atRiskThreshold) + ')' : ''),
         tool.atRisk ? 'bad' : '');
    fact(facts, 'Debt', tool.debtScore + (tool.debtScore > data.highDebtThreshold ? ' (high)' : ''),
         tool.debtScore > data.highDebtThreshold ? 'warn' : '');
    fact(facts, 'Weighted debt', tool.weightedDebt + ' (' + tool.transitiveDependents + ' dependents in all)');
    fact(facts, 'On a cycle', tool.inCycle ? 'yes' : 'no', tool.inCycle ? 'bad' : '');
    fact(facts, 'Last verified', tool.lastVerified || 'never', tool.lastVerified ? '' : 'warn');

    var deps = data.graph.edges.filter(function (e) { return e.from === id; });
    var rdeps = data.graph.edges.filter(function (e) { return e.to === id; });
    $('deps-count').textContent = '(' + deps.length + ')';
    $('rdeps-count').textContent = '(' + rdeps.length + ')';
    var list = $('panel-deps');
    clear(list);
    deps.forEach(function (e) { list.appendChild(toolButton(e.to, edgeNote(e))); });
    if (!deps.length) { list.appendChild(el('li', 'none', 'empty')); }
    list = $('panel-rdeps');
    clear(list);
    rdeps.forEach(function (e) { list.appendChild(toolButton(e.from, edgeNote(e))); });
    if (!rdeps.length) { list.appendChild(el('li', 'none', 'empty')); }

    table($('panel-contracts'), ['Contract', 'Status', 'Checked', 'Last drift'],
      tool.contracts.map(function (c) {
        return [[c.type + ' ' + c.name], [c.status + (c.reason ? ' (' + c.reason + ')' : ''), STATUS_CLASS[c.status]],
                when(c.lastVerified), c.lastDrift ? when(c.lastDrift) : ['-']];
      }), 'No contracts.');
    table($('panel-runs'), ['When', 'Level', 'Result', 'Checks', 'ms'],
      tool.runs.map(function (r) {
        var checks = r.cliPassed + ' passed';
        if (r.cliFailed) { checks += ', ' + r.cliFailed + ' failed'; }
        if (r.mcpMissing) { checks += ', ' + r.mcpMissing + ' MCP missing'; }
        if (r.mcpFailed) { checks += ', ' + r.mcpFailed + ' MCP failed'; }
        return [when(r.verifiedAt), [r.level], [r.status, STATUS_CLASS[r.status]], [checks], [r.durationMs]];
      }), 'Never verified.');
  }

  function select(id, centre) {
    if (!elementId.has(id)) { return; }
    var node = cy.getElementById(elementId.get(id));
    cy.batch(function () {
      cy.elements().unselect();
      cy.edges('.near').removeClass('near');
      node.select();
      node.connectedEdges().addClass('near');
    });
    if (centre) {
      if (node.hasClass('hidden')) { showAll(); }
      cy.center(node);
    }
    $('focus').disabled = false;
    showPanel(id);
  }

  function closePanel() {
    $('panel').hidden = true;
    cy.resize();
    delete $('panel').dataset.tool;
    cy.elements().unselect();
    cy.edges('.near').removeClass('near');
    $('focus').disabled = true;
  }

  cy.on('tap', 'node', function (event) { select(toolOf(event.target), false); });
  cy.on('tap', function (event) { if (event.target === cy) { closePanel(); } });
  $('panel-close').addEventListener('click', closePanel);

  // -- search --------------------------------------------------------------------------------

  var matches = [], current = -1;

  function search() {
    var query = $('search').value.trim().toLowerCase();
    matches = [];
    current = -1;
    cy.batch(function () {
      cy.elements().removeClass('match faded');
      if (!query) { return; }
      cy.nodes().forEach(function (node) {
        var tool = tools.get(toolOf(node));
        if (tool.id.toLowerCase().indexOf(query) >= 0 || tool.name.toLowerCase().indexOf(query) >= 0) {
          matches.push(node);
        }
      });
      var hit = cy.collection(matches);
      hit.addClass('match');
      cy.elements().not(hit).addClass('faded');
    });
    $('search-count').textContent = query ? matches.length + (matches.length === 1 ? ' match' : ' matches') : '';
    var exact = matches.filter(function (n) { return toolOf(n).toLowerCase() === query || tools.get(toolOf(n)).name.toLowerCase() === query; });
    if (exact.length === 1 || matches.length === 1) { goTo(matches.indexOf(exact[0] || matches[0])); }
  }

  function goTo(index) {
    if (!matches.length) { return; }
    current = (index + matches.length) % matches.length;
    select(toolOf(matches[current]), true);
  }

  $('search').addEventListener('input', search);
  $('search').addEventListener('keydown', function (event) {
    if (event.key === 'Enter') { event.preventDefault(); goTo(current + 1); }
    if (event.key === 'Escape') { $('search').value = ''; search(); }
  });

  // -- focus + depth -------------------------------------------------------------------------

  function neighbourhood(node, depth) {
    var keep = node;
    ['outgoers', 'incomers'].forEach(function (way) {
      var frontier = node;
      for (var hop = 0; hop < depth && frontier.nonempty(); hop++) {
        var next = frontier[way]('node').not(keep);
        keep = keep.union(next);
        frontier = next;
      }
    });
    return keep;
  }

  function focus() {
    var node = cy.nodes(':selected');
    if (node.empty()) { return; }
    var keep = neighbourhood(node, parseInt($('depth').value, 10));
    var shown = keep.union(keep.edgesWith(keep));
    cy.batch(function () {
      cy.elements().removeClass('hidden');
      cy.elements().not(shown).addClass('hidden');
    });
    shown.layout(layoutOf(shown)).run();
    $('show-all').disabled = false;
    $('node-count').textContent = keep.length + ' of ' + cy.nodes().length + ' tools (focus on ' + toolOf(node) + ')';
  }

  function showAll() {
    cy.batch(function () {
      cy.elements().removeClass('hidden');
      cy.nodes().positions(function (node) { return home.get(toolOf(node)); });
    });
    cy.fit(undefined, 20);
    $('show-all').disabled = true;
    $('node-count').textContent = cy.nodes().length + ' tools, ' + cy.edges().length + ' edges';
  }

  $('focus').addEventListener('click', focus);
  $('show-all').addEventListener('click', showAll);
  $('fit').addEventListener('click', function () { cy.fit(cy.elements(':visible'), 20); });

  summary();
  var focused = data.graph.nodes.filter(function (n) { return n.focus; });
  if (focused.length) { select(focused[0].id, false); }

  // What the browser tests (and a curious person's console) can read.
  window.paiDeps = {
    cy: cy, layoutMs: layoutMs, layered: layered, large: large, select: select,
    node: function (id) { return cy.getElementById(elementId.get(id)); },
    ids: function (eles) { return eles.map(toolOf); }
  };
  document.body.dataset.ready = 'true';
}());
