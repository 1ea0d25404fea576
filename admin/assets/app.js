// Progressive enhancement of the connector's web UI. Every page works without this script:
// it only collapses the navigation on narrow screens and asks destructive forms for
// confirmation in the browser (the server asks on a page of its own otherwise).
(function () {
  'use strict';

  // The navigation folds behind a Menu button on narrow screens (CSS decides when).
  var toggle = document.querySelector('.nav-toggle');
  var nav = document.getElementById('site-nav');
  if (toggle && nav) {
    document.documentElement.classList.add('js-nav');
    toggle.hidden = false;
    toggle.addEventListener('click', function () {
      var open = toggle.getAttribute('aria-expanded') === 'true';
      toggle.setAttribute('aria-expanded', String(!open));
      nav.classList.toggle('open', !open);
    });
  }

  // A form with data-confirm="question" asks first; a yes adds confirmed=yes, so the server
  // skips its own confirmation page.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var question = form.getAttribute('data-confirm');
    if (!question) {
      return;
    }
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (!form.querySelector('input[name="confirmed"]')) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = 'confirmed';
      input.value = 'yes';
      form.appendChild(input);
    }
  });

  // A select with data-autosubmit (list filters) submits its form when it changes; without the
  // script the form's own button does.
  document.addEventListener('change', function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute('data-autosubmit') && el.form) {
      el.form.requestSubmit();
    }
  });
})();
