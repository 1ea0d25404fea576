// The margin rules editor's live preview. Without this script the editor's Preview button posts
// the form and the page comes back with the preview and the impact; with it, every change of a
// field (after a short pause) posts the form as it stands to the preview endpoint, which saves
// nothing, and the preview table, the impact and the problems beside the fields are updated in
// place. The fragments come rendered by the server, so both ways look the same.
(function () {
  'use strict';

  var form = document.getElementById('rule-form');
  if (!form || !form.getAttribute('data-preview-url') || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var url = form.getAttribute('data-preview-url');
  var previewBox = document.getElementById('rules-preview');
  var impactBox = document.getElementById('rules-impact');
  var status = document.getElementById('preview-status');
  var sample = document.getElementById('sample-skus');
  var generalBox = document.getElementById('rule-form-errors');
  var timer = null;
  var seq = 0;
  var controller = null;

  function say(which) {
    if (status) {
      status.textContent = status.getAttribute('data-' + which) || '';
    }
  }

  // showErrors writes each field's problems beside it ({"match.category": ["..."]}) and the
  // others in the box at the top of the form.
  function showErrors(fields, general) {
    var boxes = form.querySelectorAll('[data-error-for]');
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var messages = (fields && fields[box.getAttribute('data-error-for')]) || [];
      box.textContent = messages.join(' ');
      box.hidden = messages.length === 0;
      if (box.id && box.id.slice(-6) === '-error') {
        var input = document.getElementById(box.id.slice(0, -6));
        if (input) {
          if (messages.length) {
            input.setAttribute('aria-invalid', 'true');
          } else {
            input.removeAttribute('aria-invalid');
          }
        }
      }
    }
    if (generalBox) {
      var list = generalBox.querySelector('ul');
      list.textContent = '';
      (general || []).forEach(function (m) {
        var li = document.createElement('li');
        li.textContent = m;
        list.appendChild(li);
      });
      generalBox.hidden = !(general && general.length);
    }
  }

  function refresh() {
    var body = new URLSearchParams(new FormData(form));
    body.set('op', 'preview');
    body.set('fragments', '1');
    var mine = ++seq;
    if (controller) {
      controller.abort();
    }
    controller = window.AbortController ? new AbortController() : null;
    form.setAttribute('aria-busy', 'true');
    say('busy');
    fetch(url, {
      method: 'POST', body: body, credentials: 'same-origin',
      headers: {'Accept': 'application/json'}, signal: controller ? controller.signal : undefined
    }).then(function (resp) {
      return resp.json().then(function (data) { return {ok: resp.ok, status: resp.status, data: data}; });
    }).then(function (res) {
      if (mine !== seq) {
        return; // a newer request is on its way
      }
      form.removeAttribute('aria-busy');
      if (res.ok && res.data.html) {
        showErrors({}, []);
        previewBox.innerHTML = res.data.html.preview;
        impactBox.innerHTML = res.data.html.impact;
        if (sample && res.data.sample_skus && res.data.sample_skus.length) {
          sample.value = res.data.sample_skus.join(', ');
        }
        previewBox.setAttribute('data-updated', String(mine));
        say('done');
      } else if (res.status === 409) {
        say('stale');
      } else if (res.status === 400 && res.data.fields) {
        showErrors(res.data.fields, res.data.general);
        previewBox.setAttribute('data-updated', String(mine));
        say('invalid');
      } else {
        say('failed');
      }
    }).catch(function (err) {
      if (err && err.name === 'AbortError') {
        return;
      }
      if (mine === seq) {
        form.removeAttribute('aria-busy');
        say('failed');
      }
    });
  }

  function schedule(event) {
    var t = event.target;
    if (!t || !t.name || t.type === 'submit' || t.type === 'hidden') {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 350);
  }

  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
})();
