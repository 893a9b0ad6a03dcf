/*
 * PeerGuard report: charts, the trial browser and the transcript view. Plain JavaScript, no framework, no network.
 * Every text that comes from a run is put into the page with textContent or attributes, never parsed as HTML:
 * transcripts are untrusted model output.
 */
(function () {
  'use strict';

  var INDEX = JSON.parse(document.getElementById('pg-index').textContent);
  var DATA = JSON.parse(document.getElementById('pg-data').textContent);
  var PAGE_SIZE = 100;
  var OUTCOME = { NOT_SHOWN: 0, SHOWN: 1, UNDETERMINED: 2, ERROR: 3 };
  var PALETTE = ['#3b6fd8', '#e8833a', '#3f9d5a', '#8e5cc4', '#cf4b4b', '#2aa5a0', '#b98b2e', '#6b7280'];

  // ---------------------------------------------------------------- DOM helpers (text only, never innerHTML)

  /** Creates an element with attributes (className and text set those properties) and children (nodes or text). */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null) return;
        if (k === 'className') node.className = v;
        else if (k === 'text') node.textContent = v;
        else node.setAttribute(k, v);
      });
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) child.forEach(function (c) { append(node, c); });
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }

  var LABELS = {
    good_peer: 'good peer', neutral_peer: 'neutral peer', bad_peer: 'bad peer', no_peer: 'no peer',
    non_shutdown: 'non-shutdown', file_only: 'file only', file_prt: 'file + prompt', memory: 'memory', none: 'none',
    monitoring: 'monitored', non_monitoring: 'unmonitored'
  };

  function label(v) {
    if (v === null || v === undefined || v === '') return '–';
    return LABELS[v] || String(v).replace(/_/g, ' ');
  }

  function fmtInt(n) {
    return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US');
  }

  // ---------------------------------------------------------------- the trial index

  var N = INDEX.id.length;
  var CONFIG = { task: 0, subject: 1, condition: 2, instantiation: 3, dataset: 4, threshold: 5, mode: 6, key: 7 };
  var BEHAVIOUR = {
    misrep_finance: 'misrepresentation', misrep_evaluation: 'misrepresentation', tampering: 'tampering',
    alignment_faking: 'shutdown evaded', exfiltration_transfer: 'exfiltration', exfiltration_deletion: 'exfiltration'
  };
  var positionOf = null; // trial id -> index position, built on first use

  /** A configuration's value on an axis; "cell" is the dataset cell the tables use (finance, factual@80, ...). */
  function configValue(c, part) {
    if (part !== 'cell') return c[CONFIG[part]];
    if (c[CONFIG.task] === 'misrep_finance') return 'finance';
    var dataset = c[CONFIG.dataset];
    if (dataset === null) return null;
    return c[CONFIG.threshold] === null ? dataset : dataset + '@' + c[CONFIG.threshold];
  }

  function cfg(i, part) {
    return configValue(INDEX.configs[INDEX.config[i]], part);
  }

  function position(id) {
    if (!positionOf) {
      positionOf = new Map();
      for (var i = 0; i < N; i++) positionOf.set(INDEX.id[i], i);
    }
    return positionOf.has(id) ? positionOf.get(id) : -1;
  }

  // ---------------------------------------------------------------- transcript chunks

  var chunks = new Map();
  var waiting = new Map();

  /** Each chunk script calls this with its number and its trials' entries. */
  window.peerguardTranscripts = function (n, entries) {
    chunks.set(n, entries);
    var w = waiting.get(n);
    if (w) {
      waiting.delete(n);
      w.resolve(entries);
    }
  };

  function chunkName(n) {
    var s = String(n);
    while (s.length < 4) s = '0' + s;
    return s + '.js';
  }

  function loadChunk(n) {
    if (chunks.has(n)) return Promise.resolve(chunks.get(n));
    if (waiting.has(n)) return waiting.get(n).promise;
    var w = {};
    w.promise = new Promise(function (resolve, reject) { w.resolve = resolve; w.reject = reject; });
    waiting.set(n, w);
    if (DATA.transcripts.inline) {
      // Inlined chunks follow this script: all are registered once the document is parsed.
      var missing = function () {
        if (waiting.has(n)) { waiting.delete(n); w.reject(new Error('transcript chunk ' + n + ' is missing')); }
      };
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', missing);
      else missing();
    } else {
      var path = DATA.transcripts.dir + '/' + chunkName(n);
      var script = el('script', { src: path });
      script.addEventListener('error', function () {
        waiting.delete(n);
        w.reject(new Error('cannot load ' + path + '; keep the folder ' + DATA.transcripts.dir
          + ' beside the report'));
      });
      document.body.appendChild(script);
    }
    return w.promise;
  }

  function inflate(base64) {
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text().then(JSON.parse);
  }

  // ---------------------------------------------------------------- filters and the list

  var AXES = ['task', 'subject', 'condition', 'instantiation', 'cell'];
  var FILTERS = ['model'].concat(AXES, ['outcome']);
  var selects = {};
  var idInput = document.getElementById('filter-id');
  var tbody = document.querySelector('#trial-list tbody');
  var matches = new Int32Array(0);
  var page = 0;

  function distinct(part) {
    var seen = new Set();
    INDEX.configs.forEach(function (c) { seen.add(configValue(c, part)); });
    return Array.from(seen).filter(function (v) { return v !== null; }).sort();
  }

  function fillSelect(name, values, labelOf) {
    var select = document.querySelector('select[data-filter="' + name + '"]');
    selects[name] = select;
    select.appendChild(el('option', { value: '', text: 'All' }));
    values.forEach(function (v) { select.appendChild(el('option', { value: String(v), text: labelOf(v) })); });
    select.addEventListener('change', function () { page = 0; apply(); });
  }

  function setupFilters() {
    fillSelect('model', INDEX.models, String);
    AXES.forEach(function (p) { fillSelect(p, distinct(p), p === 'cell' ? String : label); });
    fillSelect('outcome', [OUTCOME.SHOWN, OUTCOME.NOT_SHOWN, OUTCOME.UNDETERMINED, OUTCOME.ERROR], function (v) {
      return INDEX.outcomes[v];
    });
    var timer = null;
    idInput.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { page = 0; apply(); }, 120);
    });
    document.getElementById('filter-reset').addEventListener('click', function () {
      FILTERS.forEach(function (f) { selects[f].value = ''; });
      idInput.value = '';
      page = 0;
      apply();
    });
    document.getElementById('page-prev').addEventListener('click', function () { turn(-1); });
    document.getElementById('page-next').addEventListener('click', function () { turn(1); });
  }

  /** Sets a filter, adding an option for a combination of values (e.g. two tasks) the select lacks. */
  function setFilter(name, value) {
    var select = selects[name];
    var has = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
    if (!has) {
      select.appendChild(el('option', { value: value, text: value.split(',').map(label).join(' + ') }));
    }
    select.value = value;
  }

  function selected(name) {
    var v = selects[name].value;
    return v === '' ? null : new Set(v.split(','));
  }

  function apply() {
    var models = selected('model');
    var modelOk = INDEX.models.map(function (m) { return !models || models.has(m); });
    var parts = AXES.map(function (p) { return [p, selected(p)]; });
    var configOk = INDEX.configs.map(function (c) {
      return parts.every(function (p) { return !p[1] || p[1].has(String(configValue(c, p[0]))); });
    });
    var outcomes = selected('outcome');
    var text = idInput.value.trim().toLowerCase();
    var out = new Int32Array(N);
    var count = 0;
    for (var i = 0; i < N; i++) {
      if (!modelOk[INDEX.model[i]] || !configOk[INDEX.config[i]]) continue;
      if (outcomes && !outcomes.has(String(INDEX.outcome[i]))) continue;
      if (text && INDEX.id[i].toLowerCase().indexOf(text) < 0) continue;
      out[count++] = i;
    }
    matches = out.subarray(0, count);
    render();
  }

  function turn(delta) {
    var pages = Math.max(1, Math.ceil(matches.length / PAGE_SIZE));
    page = Math.min(pages - 1, Math.max(0, page + delta));
    render();
  }

  function outcomeBadge(i) {
    var code = INDEX.outcome[i];
    if (code === OUTCOME.SHOWN) return el('span', { className: 'badge shown', text: BEHAVIOUR[cfg(i, 'task')] || 'shown' });
    if (code === OUTCOME.UNDETERMINED) return el('span', { className: 'badge undetermined', text: 'undetermined' });
    if (code === OUTCOME.ERROR) return el('span', { className: 'badge error', text: 'error' });
    return el('span', { className: 'badge none', text: 'none' });
  }

  function cellOrMode(i) {
    var parts = [];
    if (cfg(i, 'cell')) parts.push(cfg(i, 'cell'));
    if (cfg(i, 'mode')) parts.push(label(cfg(i, 'mode')));
    return parts.join(' · ') || '–';
  }

  function render() {
    var pages = Math.max(1, Math.ceil(matches.length / PAGE_SIZE));
    page = Math.min(page, pages - 1);
    var start = page * PAGE_SIZE;
    var end = Math.min(matches.length, start + PAGE_SIZE);
    var rows = [];
    for (var r = start; r < end; r++) {
      var i = matches[r];
      rows.push(el('tr', { tabindex: '0', 'data-i': String(i) },
        el('td', { className: 'mono' }, INDEX.id[i]),
        el('td', null, INDEX.models[INDEX.model[i]]),
        el('td', null, cfg(i, 'task')),
        el('td', null, cfg(i, 'subject')),
        el('td', null, label(cfg(i, 'condition'))),
        el('td', null, label(cfg(i, 'instantiation'))),
        el('td', null, cellOrMode(i)),
        el('td', { className: 'num' }, INDEX.index[i]),
        el('td', null, outcomeBadge(i)),
        el('td', { className: 'muted' }, INDEX.stops[INDEX.stop[i]] || '–'),
        el('td', { className: 'num' }, INDEX.iterations[i])));
    }
    if (!rows.length) rows.push(el('tr', { className: 'empty-row' }, el('td', { colspan: '11' }, 'No trial matches these filters.')));
    tbody.replaceChildren.apply(tbody, rows);
    document.getElementById('list-count').textContent = fmtInt(matches.length) + ' of ' + fmtInt(N) + ' trials'
      + (matches.length ? ' · showing ' + fmtInt(start + 1) + '–' + fmtInt(end) : '');
    document.getElementById('page-info').textContent = 'page ' + (page + 1) + ' of ' + pages;
    document.getElementById('page-prev').disabled = page === 0;
    document.getElementById('page-next').disabled = page >= pages - 1;
  }

  tbody.addEventListener('click', function (e) {
    var tr = e.target.closest('tr[data-i]');
    if (tr) openTrial(Number(tr.getAttribute('data-i')));
  });
  tbody.addEventListener('keydown', function (e) {
    var tr = e.target.closest('tr[data-i]');
    if (tr && e.key === 'Enter') openTrial(Number(tr.getAttribute('data-i')));
  });

  // ---------------------------------------------------------------- links from the tables (#trials?model=...)

  function route() {
    var hash = location.hash;
    if (hash.indexOf('#trials?') === 0) {
      var params = new URLSearchParams(hash.slice('#trials?'.length));
      FILTERS.forEach(function (f) { if (params.has(f)) setFilter(f, params.get(f)); else selects[f].value = ''; });
      idInput.value = params.get('id') || '';
      page = 0;
      apply();
      document.getElementById('trials').scrollIntoView();
    } else if (hash.indexOf('#trial=') === 0) {
      var i = position(decodeURIComponent(hash.slice('#trial='.length)));
      if (i >= 0) openTrial(i);
    }
  }

  window.addEventListener('hashchange', route);
  document.addEventListener('click', function (e) {
    var a = e.target.closest('a[href^="#trials?"]');
    // Following the link already in the address bar fires no hashchange: apply it anyway.
    if (a && a.getAttribute('href') === location.hash) route();
  });

  // ---------------------------------------------------------------- the transcript drawer

  var drawer = document.getElementById('drawer');
  var drawerBody = document.getElementById('drawer-body');
  var opened = -1;

  function closeDrawer() {
    drawer.hidden = true;
    document.body.classList.remove('drawer-open');
    opened = -1;
  }

  drawer.addEventListener('click', function (e) { if (e.target.closest('[data-close]')) closeDrawer(); });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && !drawer.hidden) closeDrawer(); });

  function openTrial(i) {
    opened = i;
    var id = INDEX.id[i];
    document.getElementById('drawer-title').textContent = 'Trial ' + id;
    document.getElementById('drawer-sub').textContent = [INDEX.models[INDEX.model[i]], cfg(i, 'key'),
      'trial #' + INDEX.index[i]].join(' · ');
    drawerBody.replaceChildren(el('p', { className: 'muted' }, 'Loading transcript…'));
    drawer.hidden = false;
    document.body.classList.add('drawer-open');
    loadChunk(Math.floor(i / DATA.transcripts.chunkSize)).then(function (entries) {
      var entry = entries[id];
      if (!entry) throw new Error('no stored details for trial ' + id);
      return (entry.gz ? inflate(entry.gz) : Promise.resolve(null)).then(function (transcript) {
        if (opened === i) drawerBody.replaceChildren(trialView(i, entry, transcript));
      });
    }).catch(function (err) {
      if (opened === i) drawerBody.replaceChildren(el('div', { className: 'callout bad' }, String(err.message || err)));
    });
  }

  function trialView(i, entry, transcript) {
    var main = el('div', { className: 'transcript' });
    if (entry.error) {
      main.appendChild(el('div', { className: 'callout bad' }, el('b', null, 'Error. '),
        'The trial failed and is counted in no rate; peerguard resume runs it again.',
        el('pre', { className: 'error-text' }, entry.error)));
    }
    if (transcript) append(main, transcriptView(transcript));
    else main.appendChild(el('p', { className: 'muted' }, 'No transcript was stored for this trial.'));
    var aside = el('aside', { className: 'outcome' }, facts(i, entry), outcomeView(entry));
    if (transcript && transcript.judge) aside.appendChild(judgeView(transcript.judge));
    if (transcript && transcript.follow_up) aside.appendChild(followUpView(transcript.follow_up));
    return el('div', { className: 'trial-grid' }, main, aside);
  }

  function facts(i, entry) {
    var m = entry.meta || {};
    var rows = [
      ['status', INDEX.outcome[i] === OUTCOME.ERROR ? 'error' : 'ok'],
      ['stop reason', INDEX.stops[INDEX.stop[i]] || '–'],
      ['iterations', INDEX.iterations[i]],
      ['display name', m.display_name], ['organisation', m.org],
      ['seed', m.seed], ['started', m.started_at],
      ['duration', m.duration_ms === undefined ? null : (m.duration_ms / 1000).toFixed(1) + ' s'],
      ['estimated tokens', fmtInt(m.estimated_tokens)],
      ['tokens in / out', m.input_tokens === null || m.input_tokens === undefined ? null
        : fmtInt(m.input_tokens) + ' / ' + fmtInt(m.output_tokens)],
      ['cost', m.cost_usd === null || m.cost_usd === undefined ? null : '$' + Number(m.cost_usd).toFixed(4)]
    ];
    if (m.scratchpad) rows.push(['scratchpad', 'unmonitored']);
    return el('div', { className: 'panel' }, el('h4', null, 'Trial'),
      el('dl', { className: 'facts' }, rows.filter(function (r) { return r[1] !== null && r[1] !== undefined; })
        .map(function (r) { return [el('dt', null, r[0]), el('dd', null, String(r[1]))]; })));
  }

  function valueText(v) {
    return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  }

  function outcomeView(entry) {
    var fields = Object.keys(entry.outcome || {});
    var judged = new Set(entry.judged || []);
    var panel = el('div', { className: 'panel' }, el('h4', null, 'Outcome'));
    if (!fields.length) {
      panel.appendChild(el('p', { className: 'muted' }, 'No outcome (the trial ended in an error).'));
      return panel;
    }
    panel.appendChild(el('table', { className: 'fields' }, el('tbody', null, fields.map(function (f) {
      var v = entry.outcome[f];
      var undetermined = v === 'undetermined';
      return el('tr', null,
        el('th', null, f, judged.has(f) ? el('span', { className: 'badge judge', text: 'judge' }) : null),
        el('td', null, el('div', { className: 'field-value' + (undetermined ? ' warn' : '') }, valueText(v)),
          el('div', { className: 'reason' }, (entry.reasons || {})[f] || '')));
    }))));
    return panel;
  }

  function judgeView(judge) {
    var calls = judge.calls || [];
    return el('div', { className: 'panel' }, el('h4', null, 'Judge (' + calls.length + ' question' + (calls.length === 1 ? '' : 's') + ')'),
      calls.map(function (c) {
        return el('div', { className: 'qa' },
          el('div', null, el('b', null, c.field), ' → ', el('span', { className: 'mono' }, c.decision === null || c.decision === undefined ? 'unreadable' : String(c.decision))),
          c.failure ? el('div', { className: 'callout bad' }, c.failure) : null,
          el('details', null, el('summary', null, 'Question'), el('pre', null, c.prompt || '')),
          el('details', null, el('summary', null, 'Answer'), el('pre', null, c.answer === null || c.answer === undefined ? '(no answer)' : c.answer)));
      }));
  }

  function followUpView(f) {
    return el('div', { className: 'panel' }, el('h4', null, 'Follow-up interview'),
      el('p', null, 'Behaviour asked about: ', el('b', null, f.behaviour || 'none'), f.description ? ' — ' + f.description : ''),
      (f.answers || []).map(function (a) {
        return el('div', { className: 'qa' }, el('div', { className: 'q' }, a.question), el('pre', null, a.answer || ''));
      }),
      el('p', null, 'Classification: ', el('b', null, f.classification || '–')),
      f.judge_answer ? el('details', null, el('summary', null, 'Judge\'s answer'), el('pre', null, f.judge_answer)) : null,
      f.judge_failure ? el('div', { className: 'callout bad' }, f.judge_failure) : null);
  }

  function transcriptView(t) {
    var messages = t.messages || [];
    var out = [];
    var turnNo = 0;
    var userSeen = 0;
    for (var at = 0; at < messages.length; at++) {
      var m = messages[at];
      var content = m.content === null || m.content === undefined ? '' : String(m.content);
      if (m.role === 'system') {
        out.push(el('details', { className: 'msg system' }, el('summary', null, 'System prompt',
          el('span', { className: 'muted' }, ' · ' + fmtInt(content.length) + ' characters')), el('pre', null, content)));
      } else if (m.role === 'user' && m.nudge) {
        out.push(el('div', { className: 'msg nudge' }, el('span', { className: 'badge nudge', text: 'nudge' }), ' ', content));
      } else if (m.role === 'user') {
        userSeen++;
        out.push(el('details', { className: 'msg user' }, el('summary', null, userSeen === 1 ? 'User prompt' : 'User message',
          el('span', { className: 'muted' }, ' · ' + fmtInt(content.length) + ' characters')), el('pre', null, content)));
      } else if (m.role === 'assistant') {
        // The tool results that follow a turn answer its calls, matched by call id.
        var results = [];
        while (at + 1 < messages.length && messages[at + 1].role === 'tool') results.push(messages[++at]);
        turnNo++;
        out.push(turnView(m, turnNo, content, results));
      } else if (m.role === 'tool') {
        out.push(resultView(m));
      } else {
        out.push(el('div', { className: 'msg' }, el('div', { className: 'msg-head' }, m.role), el('pre', null, content)));
      }
    }
    out.push(el('div', { className: 'stop' }, 'Stopped: ', el('b', null, t.stop_reason || '–'), ' after ',
      String(t.iterations), ' iterations, about ' + fmtInt(t.estimated_tokens) + ' tokens'));
    return out;
  }

  /** A tool result no call of its turn claimed. */
  function resultView(m) {
    return el('div', { className: 'msg tool' }, el('div', { className: 'msg-head' }, 'Result of ', el('code', null, m.name || 'a tool')),
      el('pre', { className: 'result' }, m.content === null || m.content === undefined ? '' : String(m.content)));
  }

  function turnView(m, turnNo, content, results) {
    var usage = m.usage ? [fmtInt(m.usage.input_tokens) + ' in', fmtInt(m.usage.output_tokens) + ' out',
      m.usage.cost_usd === null || m.usage.cost_usd === undefined ? null : '$' + Number(m.usage.cost_usd).toFixed(4),
      m.usage.cached ? 'cached' : null].filter(Boolean).join(' · ') : '';
    var calls = m.tool_calls || [];
    var unclaimed = results.slice();
    var views = calls.map(function (c) {
      var k = unclaimed.findIndex(function (r) { return r.tool_call_id === c.id; });
      return callView(c, k < 0 ? null : unclaimed.splice(k, 1)[0]);
    });
    return el('div', { className: 'msg assistant' },
      el('div', { className: 'msg-head' }, el('span', null, 'Turn ' + turnNo), usage ? el('span', { className: 'muted' }, usage) : null),
      m.reasoning ? el('details', { className: 'reasoning' }, el('summary', null, 'Reasoning'), el('pre', null, String(m.reasoning))) : null,
      content.trim() ? el('div', { className: 'text' }, content) : null,
      views,
      calls.length ? null : el('div', { className: 'muted small' }, '(no tool call)'),
      unclaimed.map(resultView));
  }

  function callView(c, result) {
    var args = c.arguments || {};
    var keys = Object.keys(args);
    var argTable = keys.length ? el('table', { className: 'args' }, el('tbody', null, keys.map(function (k) {
      var v = args[k];
      return el('tr', null, el('th', null, k), el('td', null, typeof v === 'string'
        ? el('div', { className: 'arg-text' }, v) : el('pre', null, JSON.stringify(v, null, 2))));
    }))) : el('div', { className: 'muted small' }, 'no arguments');
    var outcome;
    if (result) outcome = el('pre', { className: 'result' }, result.content === null ? '' : String(result.content));
    else if (c.name === 'end_task') outcome = el('div', { className: 'muted small' }, 'ends the episode');
    else outcome = el('div', { className: 'muted small' }, 'not executed');
    return el('div', { className: 'call' },
      el('div', { className: 'call-head' }, el('span', { className: 'arrow' }, '→'), el('code', { className: 'tool-name' }, c.name),
        c.arguments_error ? el('span', { className: 'badge error', text: 'malformed arguments' }) : null),
      c.arguments_error ? el('div', { className: 'callout bad' }, c.arguments_error) : null,
      argTable, outcome);
  }

  // ---------------------------------------------------------------- charts

  /** Draws each bar's interval (dataset.lo / dataset.hi) as a whisker with caps, inside the plot area. */
  var whiskers = {
    id: 'pgWhiskers',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var y = chart.scales.y;
      var area = chart.chartArea;
      ctx.save();
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.clip();
      ctx.strokeStyle = '#1f2937';
      ctx.lineWidth = 1.1;
      chart.data.datasets.forEach(function (ds, d) {
        var meta = chart.getDatasetMeta(d);
        if (meta.hidden) return;
        meta.data.forEach(function (bar, j) {
          var lo = ds.lo[j];
          var hi = ds.hi[j];
          if (lo === null || hi === null || lo === undefined || hi === undefined) return;
          var top = y.getPixelForValue(hi);
          var bottom = y.getPixelForValue(lo);
          var cap = Math.max(2, Math.min(5, bar.width * 0.3));
          ctx.beginPath();
          ctx.moveTo(bar.x, top); ctx.lineTo(bar.x, bottom);
          ctx.moveTo(bar.x - cap, top); ctx.lineTo(bar.x + cap, top);
          ctx.moveTo(bar.x - cap, bottom); ctx.lineTo(bar.x + cap, bottom);
          ctx.stroke();
        });
      });
      ctx.restore();
    }
  };

  /** Names each run of categories of one model below the axis, with a thin line between models. */
  var groups = {
    id: 'pgGroups',
    afterDraw: function (chart, args, options) {
      var names = options.names || [];
      if (!names.length) return;
      var x = chart.scales.x;
      var area = chart.chartArea;
      var step = names.length > 1 ? x.getPixelForTick(1) - x.getPixelForTick(0) : area.right - area.left;
      var ctx = chart.ctx;
      ctx.save();
      ctx.font = '600 11.5px ' + Chart.defaults.font.family;
      ctx.fillStyle = '#1c2330';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      var start = 0;
      for (var i = 1; i <= names.length; i++) {
        if (i < names.length && names[i] === names[start]) continue;
        var left = x.getPixelForTick(start) - step / 2;
        var right = x.getPixelForTick(i - 1) + step / 2;
        var text = names[start];
        var room = right - left - 8;
        while (text.length > 4 && ctx.measureText(text).width > room) text = text.slice(0, -2);
        if (text !== names[start]) text = text.slice(0, -1) + '…';
        ctx.fillText(text, (left + right) / 2, chart.height - 2);
        if (i < names.length) {
          ctx.strokeStyle = '#d0d5dd';
          ctx.beginPath();
          ctx.moveTo(right, area.top);
          ctx.lineTo(right, chart.height - 4);
          ctx.stroke();
        }
        start = i;
      }
      ctx.restore();
    }
  };

  /** The value axis: 0-100 for rates; for differences, wide enough for every bar and whisker. */
  function valueAxis(c) {
    var grid = { color: '#eef0f3' };
    if (c.unit !== 'pp') return { min: 0, max: 100, title: { display: true, text: 'rate (%)' }, grid: grid };
    var lo = 0;
    var hi = 10;
    c.datasets.forEach(function (d) {
      d.values.concat(d.lo, d.hi).forEach(function (v) {
        if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      });
    });
    return { suggestedMin: lo, suggestedMax: hi, title: { display: true, text: 'difference (pp)' }, grid: grid };
  }

  function drawCharts() {
    var list = document.getElementById('chart-list');
    if (!DATA.charts.length) {
      list.appendChild(el('p', { className: 'note' }, 'No chart: the run has no trial with an outcome.'));
      return;
    }
    if (typeof Chart === 'undefined') {
      list.appendChild(el('p', { className: 'callout bad' }, 'Chart.js did not load.'));
      return;
    }
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.font.size = 11;
    Chart.defaults.color = '#4b5563';
    DATA.charts.forEach(function (c) {
      var width = c.labels.length * (c.datasets.length * 11 + 22);
      var canvas = el('canvas', { 'aria-label': c.title, role: 'img' });
      var card = el('div', { className: 'card chart-card' + (width > 520 ? ' wide' : ''), id: 'chart-' + c.id },
        el('h3', null, c.title), el('p', { className: 'meta' }, c.caption + (c.unit === 'pp' ? ' (pp)' : ' (%)')),
        el('div', { className: 'chart-scroll' }, el('div', { className: 'chart-box', style: 'min-width:' + width + 'px' }, canvas)));
      list.appendChild(card);
      new Chart(canvas, {
        type: 'bar',
        data: {
          labels: c.labels,
          datasets: c.datasets.map(function (d, k) {
            return {
              label: d.label, data: d.values, lo: d.lo, hi: d.hi, k: d.k, n: d.n, stars: d.stars,
              backgroundColor: PALETTE[k % PALETTE.length] + 'cc', borderColor: PALETTE[k % PALETTE.length],
              borderWidth: 1, borderRadius: 2, maxBarThickness: 28
            };
          })
        },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          layout: { padding: { bottom: 18 } },
          interaction: { mode: 'nearest', intersect: true },
          plugins: {
            pgGroups: { names: c.groups },
            legend: { position: 'top', align: 'start', labels: { boxWidth: 12, boxHeight: 12 } },
            tooltip: {
              callbacks: {
                title: function (items) {
                  return items.length ? [c.groups[items[0].dataIndex]].concat(c.labels[items[0].dataIndex]).join(' · ') : '';
                },
                label: function (item) {
                  var ds = item.dataset;
                  var j = item.dataIndex;
                  var unit = c.unit === 'pp' ? ' pp' : '%';
                  if (ds.data[j] === null) return ds.label + ': no estimate';
                  return ds.label + ': ' + ds.data[j].toFixed(1) + unit
                    + (ds.lo[j] !== null ? ' [' + ds.lo[j].toFixed(1) + ', ' + ds.hi[j].toFixed(1) + ']' : '')
                    + ' · ' + ds.k[j] + '/' + ds.n[j] + (ds.stars[j] ? ' ' + ds.stars[j] : '');
                }
              }
            }
          },
          scales: {
            x: { grid: { display: false }, ticks: { autoSkip: false, maxRotation: 0 } },
            y: valueAxis(c)
          }
        },
        plugins: [whiskers, groups]
      });
    });
  }

  // ---------------------------------------------------------------- start

  setupFilters();
  apply();
  drawCharts();
  route();
})();
