// The composer's macro picker (views/agent/macro_picker.templ). Without
// this script the picker is a select and an "Apply" button that reloads
// the page with the reply filled in. With it: a search box over the
// macros (type to filter, ↑/↓ to move, Enter to insert, Escape to close)
// that fetches the macro filled in for this ticket, adds it to the reply,
// and stages its actions in the form's hidden macroId/macroVersion, shown
// in words before sending. Every text it shows is set as text, never as
// markup.
//
// A refused send swaps in a fresh workspace (app.js, "desk:swapped"):
// its picker is set up in turn.
(function () {
  'use strict';
  if (!window.fetch) return;

  function setup(picker) {
    if (!picker || picker.hasAttribute('data-macro-ready')) return;
    picker.setAttribute('data-macro-ready', '');
    var form = picker.closest('form');
    var combo = picker.querySelector('[data-macro-combo]');
    var input = picker.querySelector('#macro-search');
    var list = picker.querySelector('#macro-list');
    var staged = picker.querySelector('[data-macro-staged]');
    var idField = picker.querySelector('[data-macro-id-field]');
    var versionField = picker.querySelector('[data-macro-version-field]');
    var fallback = picker.querySelector('[data-macro-fallback]');
    var msg = picker.dataset;
    var options = Array.prototype.slice.call(list.querySelectorAll('[role="option"]'));
    var active = -1;

    fallback.hidden = true;
    // The select would post "macro" with the reply; only Apply reads it.
    fallback.querySelector('select').disabled = true;
    combo.hidden = false;

    var empty = document.createElement('li');
    empty.className = 'px-3 py-2 text-slate-700';
    empty.setAttribute('role', 'presentation');
    empty.textContent = msg.msgNone;
    empty.hidden = true;
    list.appendChild(empty);

    // fold compares names without case or accents: "resolucion" finds
    // "Resolución".
    function fold(s) {
      return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    }

    function visible() {
      return options.filter(function (o) { return !o.hidden; });
    }

    function setActive(i) {
      var shown = visible();
      options.forEach(function (o) {
        o.setAttribute('aria-selected', 'false');
        o.classList.remove('bg-teal-700', 'text-white');
      });
      active = shown.length ? (i + shown.length) % shown.length : -1;
      if (active < 0) {
        input.removeAttribute('aria-activedescendant');
        return;
      }
      var o = shown[active];
      o.setAttribute('aria-selected', 'true');
      o.classList.add('bg-teal-700', 'text-white');
      input.setAttribute('aria-activedescendant', o.id);
      o.scrollIntoView({ block: 'nearest' });
    }

    function open() {
      var q = fold(input.value.trim());
      options.forEach(function (o) { o.hidden = q !== '' && fold(o.textContent).indexOf(q) < 0; });
      empty.hidden = visible().length > 0;
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      setActive(0);
    }

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function line(text, className, testid) {
      var p = document.createElement('p');
      p.className = className;
      p.textContent = text;
      if (testid) p.setAttribute('data-testid', testid);
      return p;
    }

    // showStaged draws what sending will do, as macroStaged does on the server.
    function showStaged(m) {
      staged.textContent = '';
      var box = document.createElement('div');
      box.className = 'space-y-1 rounded-md border-l-4 border-l-teal-700 bg-white p-3 text-sm';
      box.appendChild(line(msg.msgStaged.replace('%s', m.name), 'font-semibold text-slate-900'));
      if (m.actions.length) {
        box.appendChild(line(msg.msgOnSend + ' ' + m.actions.join(' · '), 'text-slate-800', 'macro-actions'));
      } else {
        box.appendChild(line(msg.msgNoActions, 'text-slate-700', 'macro-actions'));
      }
      m.warnings.forEach(function (w) { box.appendChild(line(w, 'font-medium text-red-800', 'macro-warning')); });
      var clear = document.createElement('button');
      clear.type = 'button';
      clear.className = 'text-sm font-semibold text-teal-800 underline underline-offset-2';
      clear.setAttribute('data-macro-clear', '');
      clear.setAttribute('data-testid', 'macro-clear');
      clear.textContent = msg.msgRemove;
      box.appendChild(clear);
      staged.appendChild(box);
    }

    function unstage() {
      idField.value = '';
      versionField.value = '';
      staged.textContent = '';
    }

    function pick(option) {
      close();
      fetch(picker.dataset.previewBase + option.dataset.macroId, {
        headers: { Accept: 'application/json' }, credentials: 'same-origin'
      }).then(function (res) {
        if (!res.ok) throw new Error(res.status);
        return res.json();
      }).then(function (m) {
        var body = form.querySelector('textarea[name="body"]');
        var typed = body.value.replace(/\s+$/, '');
        body.value = typed ? typed + '\n\n' + m.body : m.body;
        body.dispatchEvent(new Event('input', { bubbles: true }));
        idField.value = String(m.id);
        versionField.value = String(m.version);
        showStaged(m);
        input.value = '';
        body.focus();
      }).catch(function () {
        staged.textContent = '';
        staged.appendChild(line(msg.msgFailed, 'field-error'));
      });
    }

    input.addEventListener('input', open);
    input.addEventListener('focus', open);
    input.addEventListener('blur', function () { setTimeout(close, 150); });
    input.addEventListener('keydown', function (e) {
      switch (e.key) {
        case 'ArrowDown':
          e.preventDefault();
          if (list.hidden) open(); else setActive(active + 1);
          break;
        case 'ArrowUp':
          e.preventDefault();
          if (list.hidden) open(); else setActive(active - 1);
          break;
        case 'Enter':
          // Never submit the reply from the search box.
          e.preventDefault();
          if (!list.hidden && active >= 0) pick(visible()[active]);
          break;
        case 'Escape':
          if (!list.hidden) {
            e.preventDefault();
            close();
          }
          break;
      }
    });
    list.addEventListener('mousedown', function (e) {
      // Keep the focus in the box until the click has picked.
      e.preventDefault();
    });
    list.addEventListener('click', function (e) {
      var o = e.target.closest('[role="option"]');
      if (o) pick(o);
    });
    staged.addEventListener('click', function (e) {
      if (e.target.closest('[data-macro-clear]')) {
        e.preventDefault();
        unstage();
        input.focus();
      }
    });
  }

  function here() { setup(document.querySelector('[data-macro-picker]')); }
  here();
  document.addEventListener('desk:swapped', here);
})();
