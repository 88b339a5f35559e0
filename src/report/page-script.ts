/**
 * The report page's one script: the instance table from the JSON data element, sorted and filtered in the
 * page, rendered in time slices so 10,000 rows never block the page for long. Every value goes in as text
 * (textContent), never as markup. Plain ES2017, no template literals: it is a string in this module.
 */
export const PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  // Rows are added for at most this long at a time, then the page answers input before the next batch.
  var SLICE_MS = 12;
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var columns = data.columns;
  var rows = data.rows;
  var RESULT = columns.indexOf('compliance');
  var ACCOUNT = columns.indexOf('account');
  var REGION = columns.indexOf('region');
  var table = document.getElementById('instances');
  var body = table.tBodies[0];
  var filter = document.getElementById('filter');
  var result = document.getElementById('result');
  var account = document.getElementById('account');
  var shown = document.getElementById('shown');
  var headers = table.tHead.rows[0].cells;
  var collator = new Intl.Collator('en', { sensitivity: 'base' });
  var haystacks = rows.map(function (row) { return row.join('\u0001').toLowerCase(); });
  var sortColumn = -1;
  var sortDirection = 1;
  var generation = 0;

  var accounts = [];
  var seen = {};
  rows.forEach(function (row) {
    var id = row[ACCOUNT];
    if (!seen[id]) { seen[id] = true; accounts.push(id); }
  });
  accounts.sort(collator.compare).forEach(function (id) {
    var option = document.createElement('option');
    option.value = id;
    option.textContent = id;
    account.appendChild(option);
  });

  function selected() {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wantResult = result.value;
    var wantAccount = account.value;
    var list = [];
    for (var i = 0; i < rows.length; i += 1) {
      var row = rows[i];
      if (wantResult && row[RESULT] !== wantResult) continue;
      if (wantAccount && row[ACCOUNT] !== wantAccount) continue;
      var text = haystacks[i];
      var all = true;
      for (var w = 0; w < words.length; w += 1) {
        if (text.indexOf(words[w]) < 0) { all = false; break; }
      }
      if (all) list.push(i);
    }
    if (sortColumn >= 0) {
      list.sort(function (a, b) {
        return sortDirection * collator.compare(rows[a][sortColumn], rows[b][sortColumn]) || a - b;
      });
    }
    return list;
  }

  function rowElement(row) {
    var tr = document.createElement('tr');
    if (row[RESULT] === 'NON_COMPLIANT') tr.className = 'non-compliant';
    for (var c = 0; c < row.length; c += 1) {
      var td = document.createElement('td');
      td.textContent = row[c] === '' ? '-' : row[c];
      if (c === RESULT) td.className = 'result';
      tr.appendChild(td);
    }
    return tr;
  }

  function render() {
    generation += 1;
    var mine = generation;
    var list = selected();
    body.textContent = '';
    table.setAttribute('data-rendered', 'false');
    shown.textContent = list.length.toLocaleString('en-US') + ' of ' + rows.length.toLocaleString('en-US') + ' instances';
    var next = 0;
    var first = true;
    function chunk() {
      if (mine !== generation) return;
      var fragment = document.createDocumentFragment();
      var started = performance.now();
      do {
        var end = Math.min(list.length, next + 50);
        for (; next < end; next += 1) fragment.appendChild(rowElement(rows[list[next]]));
      } while (next < list.length && performance.now() - started < SLICE_MS);
      body.appendChild(fragment);
      // Marks for the measurements (performance.getEntriesByName): when rows first show, when all are in.
      if (first) { first = false; performance.mark('report-rows-first'); }
      if (next < list.length) setTimeout(chunk, 0);
      else {
        table.setAttribute('data-rendered', 'true');
        performance.mark('report-rows-all');
      }
    }
    chunk();
  }

  var pending;
  filter.addEventListener('input', function () {
    // What is shown is out of date until the filter is applied.
    table.setAttribute('data-rendered', 'false');
    clearTimeout(pending);
    pending = setTimeout(render, 120);
  });
  result.addEventListener('change', render);
  account.addEventListener('change', render);
  Array.prototype.forEach.call(headers, function (th, index) {
    var button = th.querySelector('button');
    button.addEventListener('click', function () {
      sortDirection = sortColumn === index ? -sortDirection : 1;
      sortColumn = index;
      Array.prototype.forEach.call(headers, function (other) { other.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', sortDirection > 0 ? 'ascending' : 'descending');
      render();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('.heat-map .cell'), function (cell) {
    cell.addEventListener('click', function () {
      account.value = cell.getAttribute('data-account');
      filter.value = cell.getAttribute('data-region');
      result.value = '';
      render();
      table.scrollIntoView();
    });
  });
  if (REGION < 0) throw new Error('report data without a region column');
  render();
})();
`;
