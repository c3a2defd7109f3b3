(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('oir-data').textContent);
  function str(i) { return DATA.str[i]; }
  var PAGE = 500;
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function el(tag, cls, html) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (html !== undefined) e.innerHTML = html;
    return e;
  }

  // --- XML pretty printing with finding paths -------------------------------------------
  function normPath(p) {
    var segs = p.split('/').filter(function (s) { return s.length > 0 && s.charAt(0) !== '@'; });
    return segs.map(function (s) {
      var m = /^(?:[^:\[]*:)?([^\[]+)(?:\[(\d+)\])?$/.exec(s);
      return m ? m[1] + '[' + (m[2] || '1') + ']' : s;
    });
  }
  function endsWith(path, suffix) {
    if (suffix.length === 0 || suffix.length > path.length) return false;
    for (var i = 1; i <= suffix.length; i++) {
      if (path[path.length - i] !== suffix[suffix.length - i]) return false;
    }
    return true;
  }
  function localName(tag) {
    var m = /^<\/?([^\s\/>]+)/.exec(tag);
    var n = m ? m[1] : '';
    var c = n.indexOf(':');
    return c >= 0 ? n.slice(c + 1) : n;
  }
  // Returns HTML: one line per element, findings marked on the line of their element.
  function prettyXml(xml, findings) {
    var wanted = (findings || []).filter(function (f) { return f.path; })
      .map(function (f) { return { f: f, p: normPath(f.path) }; });
    var toks = xml.match(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<[^>]+>|[^<]+/g);
    if (!toks || xml.trim().charAt(0) !== '<') return { html: esc(xml), hits: 0 };
    var out = [], depth = 0, stack = [{ path: [], counts: {} }], hits = 0;
    function line(text, path) {
      var marks = [];
      if (path) {
        wanted.forEach(function (w) { if (endsWith(path, w.p)) marks.push(w.f); });
      }
      var pad = new Array(depth + 1).join('  ');
      if (marks.length) {
        hits += marks.length;
        out.push('<span class="hl" title="' + esc(marks.map(function (m) { return m.code + ': ' + m.message; }).join('\n')) + '">' +
          pad + esc(text) + '</span><span class="mark"> \u25c0 ' +
          esc(marks.map(function (m) { return m.code + ': ' + m.message; }).join(' | ')) + '</span>');
      } else {
        out.push(pad + esc(text));
      }
    }
    function open(tag) {
      var top = stack[stack.length - 1];
      var n = localName(tag);
      top.counts[n] = (top.counts[n] || 0) + 1;
      var path = top.path.concat([n + '[' + top.counts[n] + ']']);
      return path;
    }
    for (var i = 0; i < toks.length; i++) {
      var t = toks[i];
      if (t.charAt(0) !== '<') {
        if (t.trim()) line(t.trim(), null);
        continue;
      }
      if (t.slice(0, 2) === '</') {
        depth = Math.max(0, depth - 1);
        stack.pop();
        if (stack.length === 0) stack.push({ path: [], counts: {} });
        line(t, null);
      } else if (t.charAt(1) === '?' || t.charAt(1) === '!') {
        line(t, null);
      } else if (t.slice(-2) === '/>') {
        line(t, open(t));
      } else {
        var path = open(t);
        // <a>text</a> on one line
        var nx = toks[i + 1], nx2 = toks[i + 2];
        if (nx !== undefined && nx.charAt(0) !== '<' && nx2 !== undefined && nx2.slice(0, 2) === '</') {
          line(t + nx.trim() + nx2, path);
          i += 2;
          continue;
        }
        if (nx !== undefined && nx.slice(0, 2) === '</') {
          line(t + nx, path);
          i += 1;
          continue;
        }
        line(t, path);
        depth++;
        stack.push({ path: path, counts: {} });
      }
    }
    return { html: out.join('\n'), hits: hits };
  }

  // --- diff ------------------------------------------------------------------------------
  function diff(expected, actual) {
    var a = expected.split('\n'), b = actual.split('\n');
    if (a.length === 1 && b.length === 1) {
      var p = 0;
      while (p < a[0].length && p < b[0].length && a[0][p] === b[0][p]) p++;
      var s = 0;
      while (s < a[0].length - p && s < b[0].length - p && a[0][a[0].length - 1 - s] === b[0][b[0].length - 1 - s]) s++;
      function mid(x, tag) {
        return esc(x.slice(0, p)) + '<' + tag + '>' + esc(x.slice(p, x.length - s)) + '</' + tag + '>' + esc(x.slice(x.length - s));
      }
      return '<div class="diff"><div>expected: <code>' + mid(a[0], 'del') + '</code></div><div>actual:&nbsp;&nbsp; <code>' + mid(b[0], 'ins') + '</code></div></div>';
    }
    if (a.length * b.length > 4000000) {
      return '<div class="diff"><div>expected:</div><pre>' + esc(expected) + '</pre><div>actual:</div><pre>' + esc(actual) + '</pre></div>';
    }
    var n = a.length, m = b.length, L = [], i, j;
    for (i = 0; i <= n; i++) { L.push(new Int32Array(m + 1)); }
    for (i = n - 1; i >= 0; i--) for (j = m - 1; j >= 0; j--)
      L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
    var out = [];
    i = 0; j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[i] === b[j]) { out.push('  ' + esc(a[i])); i++; j++; }
      else if (j < m && (i === n || L[i][j + 1] >= L[i + 1][j])) { out.push('<ins>+ ' + esc(b[j]) + '</ins>'); j++; }
      else { out.push('<del>- ' + esc(a[i]) + '</del>'); i++; }
    }
    return '<pre class="diff">' + out.join('\n') + '</pre>';
  }

  // --- scenario details --------------------------------------------------------------------
  function cutNote(n) {
    return n ? '<div class="note">truncated: ' + n + ' bytes in full (events.jsonl has the whole message)</div>' : '';
  }
  function exchangeHtml(x, findings) {
    var soapAction = str(x.xh[3]);
    var h = '<div class="xch"><div class="xhead">' + esc(str(x.xh[0])) + ' <b>' + esc(str(x.xh[1])) + '</b> ' + esc(str(x.xh[2])) +
      (x.h != null ? ' \u2014 HTTP ' + x.h : '') + ' \u2014 ' + Math.round(x.ms) + ' ms' +
      (soapAction ? ' \u2014 SOAPAction ' + esc(soapAction) : '') + '</div>';
    if (x.e) h += '<div class="err">' + esc(x.e) + '</div>';
    if (x.om != null) {
      return h + '<div class="note">request and response (' + x.om + ' bytes) not embedded: the report keeps under 10 MB and gives failed scenarios the room first; events.jsonl has them</div></div>';
    }
    h += '<details open><summary>Request</summary><pre class="xml">' + prettyXml(x.rq, findings).html + '</pre>' + cutNote(x.rqc) + '</details>';
    if (x.rs != null) {
      h += '<details open><summary>Response</summary><pre class="xml">' + prettyXml(x.rs, findings).html + '</pre>' + cutNote(x.rsc) + '</details>';
    } else {
      h += '<div class="note">no response</div>';
    }
    return h + '</div>';
  }
  function stepHtml(s) {
    var cp = s.cp, status = s.s;
    var h = '<div class="step s-' + esc(status) + (cp ? ' s-cp' : '') + '"><div class="shead"><span class="badge b-' + esc(status) + '">' +
      esc(cp && status === 'passed' ? 'awaiting' : status) + '</span> <b>' + esc(str(s.k)) + '</b> ' + esc(str(s.t)) +
      ' <span class="dim">line ' + s.l + ' \u2014 ' + s.ms.toFixed(1) + ' ms</span></div>';
    if (s.tb) {
      h += '<table class="dt">' + s.tb.map(function (r) {
        return '<tr>' + r.map(function (c) { return '<td>' + esc(c) + '</td>'; }).join('') + '</tr>';
      }).join('') + '</table>';
    }
    if (s.ds != null) h += '<pre class="doc">' + esc(s.ds) + '</pre>';
    if (s.m) h += '<pre class="msg">' + esc(s.m) + '</pre>';
    if (cp) h += '<div class="cp">\u23f3 awaiting confirmation: ' + esc(cp) + '</div>';
    if (s.ea) h += diff(s.ea[0], s.ea[1]);
    var fi = s.fi || [];
    if (fi.length) {
      h += '<ul class="findings">' + fi.map(function (f) {
        return '<li><b>' + esc(f.code) + '</b> ' + esc(f.message) + (f.path ? ' <code>' + esc(f.path) + '</code>' : '') +
          (f.line != null ? ' <span class="dim">line ' + f.line + '</span>' : '') + '</li>';
      }).join('') + '</ul>';
    }
    if (s.sr) {
      var failed = s.sr.filter(function (c) { return !c[1]; }).length;
      h += '<details' + (failed ? ' open' : '') + '><summary>' + s.sr.length + ' cases, ' + failed + ' failed</summary><table class="cases"><tr><th>case</th><th>result</th><th>message</th></tr>' +
        s.sr.map(function (c) {
          return '<tr class="' + (c[1] ? 'c-ok' : 'c-fail') + '"><td>' + esc(c[0]) + '</td><td>' + (c[1] ? 'passed' : 'failed') + '</td><td>' + esc(c[2] || '') + '</td></tr>';
        }).join('') + '</table></details>';
    }
    (s.x || []).forEach(function (x) { h += exchangeHtml(x, fi); });
    return h + '</div>';
  }
  function detailsHtml(k) {
    var row = DATA.rows[k], d = DATA.d[k];
    var tags = row[6].map(function (i) { return DATA.tags[i]; });
    var h = '<div class="meta">' + esc(str(row[5])) + ' \u2014 tags: ' + (tags.length ? tags.map(function (t) { return '<code>@' + esc(t) + '</code>'; }).join(' ') : 'none') + '</div>';
    (d.r || []).forEach(function (r) {
      h += '<div class="retry">attempt ' + r[0] + ' failed (' + (r[1] / 1000).toFixed(3) + ' s): ' + esc(r[2]) + '</div>';
    });
    if (!d.st.length) h += '<div class="note">no steps recorded</div>';
    d.st.forEach(function (s) { h += stepHtml(s); });
    return h;
  }
  function toggle(tb) {
    var row = tb.querySelector('tr.det');
    if (row) { row.remove(); return; }
    var k = +tb.getAttribute('data-k');
    row = el('tr', 'det');
    var td = el('td');
    td.colSpan = 5;
    td.innerHTML = DATA.d[k] ? detailsHtml(k) : '<div class="note">no details</div>';
    row.appendChild(td);
    tb.appendChild(row);
  }
  // --- the scenario list: rendered from the rows, a page at a time ---------------------------
  var table = document.getElementById('scenarios-table');
  var more = document.getElementById('more');
  var VCLASS = { passed: 'v-passed', failed: 'v-failed', awaiting: 'v-awaiting', interrupted: 'v-interrupted' };
  var matches = [], shown = 0, byId = null;
  function rowHtml(k) {
    var r = DATA.rows[k];
    return '<tbody id="' + esc(r[0]) + '" data-k="' + k + '"><tr class="sc ' + (VCLASS[r[2]] || '') + '"><td><span class="badge">' + esc(r[2]) + '</span>' +
      (r[8] ? ' <span class="dim">flaky</span>' : '') + '</td><td>' + esc(r[0]) + '</td><td>' + esc(r[1]) + '</td><td>' +
      esc(r[3]) + ' / ' + esc(r[4]) + '</td><td class="num">' + r[7] + '</td></tr></tbody>';
  }
  function showMore() {
    var html = [], end = Math.min(matches.length, shown + PAGE);
    for (var i = shown; i < end; i++) html.push(rowHtml(matches[i]));
    table.insertAdjacentHTML('beforeend', html.join(''));
    shown = end;
    more.innerHTML = shown < matches.length
      ? '<button type="button" id="more-btn">show ' + Math.min(PAGE, matches.length - shown) + ' more (' + (matches.length - shown) + ' not shown)</button>'
      : '';
  }
  table.addEventListener('click', function (ev) {
    var tr = ev.target.closest('tr.sc');
    if (tr) toggle(tr.parentNode);
  });
  more.addEventListener('click', function (ev) {
    if (ev.target.id === 'more-btn') showMore();
  });

  var fFailed = document.getElementById('f-failed'), fInt = document.getElementById('f-int'),
    fTag = document.getElementById('f-tag'), fText = document.getElementById('f-text'),
    fCount = document.getElementById('f-count');
  function applyFilters() {
    var onlyFailed = fFailed.checked, integ = fInt.value, tag = fTag.value, text = fText.value.toLowerCase();
    var tagIdx = tag ? DATA.tags.indexOf(tag) : -1;
    matches = [];
    for (var k = 0; k < DATA.rows.length; k++) {
      var r = DATA.rows[k];
      if (onlyFailed && r[2] !== 'failed' && r[2] !== 'interrupted') continue;
      if (integ && r[3] !== integ) continue;
      if (tag && r[6].indexOf(tagIdx) < 0) continue;
      if (text && (r[0] + ' ' + r[1]).toLowerCase().indexOf(text) < 0) continue;
      matches.push(k);
    }
    while (table.tBodies.length) table.removeChild(table.tBodies[0]);
    shown = 0;
    showMore();
    fCount.textContent = matches.length + ' of ' + DATA.rows.length + ' scenarios';
  }
  [fFailed, fInt, fTag].forEach(function (e) { e.addEventListener('change', applyFilters); });
  fText.addEventListener('input', applyFilters);
  applyFilters();

  // report.html#<scenario id> opens that scenario (showing it first if it is not listed)
  function openHash() {
    if (!location.hash) return;
    var id = decodeURIComponent(location.hash.slice(1));
    if (!byId) {
      byId = {};
      DATA.rows.forEach(function (r, k) { byId[r[0]] = k; });
    }
    if (!(id in byId)) return;
    var tb = document.getElementById(id);
    if (!tb || tb.tagName !== 'TBODY') {
      table.tHead.insertAdjacentHTML('afterend', rowHtml(byId[id]));
      tb = table.tBodies[0];
    }
    if (!tb.querySelector('tr.det')) toggle(tb);
    tb.scrollIntoView();
  }
  window.addEventListener('hashchange', openHash);
  openHash();
})();
