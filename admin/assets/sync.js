// Live progress of a sync run or a queued sync or push job (the Sync pages). The element
// #sync-progress names the JSON it polls (data-poll) and carries the translated words
// (data-label-STATE, data-stage-STAGE, data-counts-format); the script updates its
// data-state (queued, running, finished, failed) and its [data-field] parts until the work
// ends. Without the script a refresh of the page shows the same state.
(function () {
  'use strict';

  var el = document.getElementById('sync-progress');
  if (!el) {
    return;
  }
  var url = el.getAttribute('data-poll');
  var done = function (state) { return state === 'finished' || state === 'failed'; };
  if (!url || done(el.getAttribute('data-state'))) {
    return;
  }

  function set(name, value) {
    var nodes = el.querySelectorAll('[data-field="' + name + '"]');
    for (var i = 0; i < nodes.length; i++) {
      nodes[i].textContent = String(value);
    }
  }

  function counts(c) {
    var format = el.getAttribute('data-counts-format') || '';
    return format.replace(/\{(\w+)\}/g, function (_, name) {
      return c && typeof c[name] === 'number' ? String(c[name]) : '0';
    });
  }

  function show(d) {
    el.setAttribute('data-state', d.state);
    set('state', el.getAttribute('data-label-' + d.state) || d.state);
    set('stage', d.stage ? (el.getAttribute('data-stage-' + d.stage) || d.stage) : '\u2013');
    set('calls', d.calls || 0);
    set('failed_calls', d.failed_calls || 0);
    if (typeof d.attempt === 'number') {
      set('attempt', d.attempt);
    }
    set('counts', counts(d.counts));
    var err = el.querySelector('[data-field="error"]');
    if (err) {
      err.textContent = d.error || '';
      err.hidden = !d.error;
    }
    var run = el.querySelector('[data-field="run"]');
    if (run && d.run_id) {
      run.setAttribute('href', '/sync/runs/' + d.run_id);
      run.hidden = false;
    }
    if (done(d.state)) {
      var bar = el.querySelector('[data-field="bar"]');
      if (bar) {
        bar.max = 1;
        bar.value = 1;
      }
      var reload = el.querySelector('[data-when-done]');
      if (reload) {
        reload.hidden = false;
      }
    }
  }

  var delay = 1000;
  function poll() {
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.json();
      })
      .then(function (d) {
        show(d);
        if (!done(d.state)) {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        // A blip (a restart, the network): try again, less often.
        delay = Math.min(delay * 2, 10000);
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, delay);
})();
