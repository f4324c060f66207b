// The pages' script. Everything works without it; it adds drag and drop,
// a checked list of chosen files, an upload progress bar, a character
// counter and local times. It is a static file so the Content-Security-
// Policy can forbid inline script; it reads limits and messages (in the
// page's language) from data- attributes the server renders.
(function () {
  'use strict';

  var lang = document.documentElement.lang || 'en';

  function fill(msg, values) {
    return msg.replace(/\{(\w+)\}/g, function (m, k) {
      return values[k] !== undefined ? values[k] : m;
    });
  }

  function formatSize(n) {
    var units = ['KB', 'MB', 'GB'];
    if (n < 1024) return new Intl.NumberFormat(lang).format(n) + ' bytes';
    var v = n / 1024, i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(v) + ' ' + units[i];
  }

  // Times: the server writes UTC; show the reader's own zone.
  function localTimes(root) {
    var dt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    var d = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
    root.querySelectorAll('time[data-local-datetime], time[data-local-date]').forEach(function (el) {
      var t = new Date(el.getAttribute('datetime'));
      if (isNaN(t)) return;
      el.textContent = (el.hasAttribute('data-local-date') ? d : dt).format(t);
    });
  }

  // The character counter, like GOV.UK's: a visible count, and a polite
  // announcement once typing pauses rather than on every key.
  function counters(root) {
    root.querySelectorAll('textarea[data-counter]').forEach(function (ta) {
      var max = +ta.getAttribute('data-counter');
      var out = root.querySelector('[data-counter-for="' + ta.id + '"]');
      var live = root.querySelector('[data-counter-live="' + ta.id + '"]');
      var nf = new Intl.NumberFormat(ta.getAttribute('data-number-lang') || lang);
      var timer;
      function text() {
        var left = max - Array.from(ta.value.trim()).length;
        return left >= 0
          ? fill(ta.getAttribute('data-msg-left'), { n: nf.format(left) })
          : fill(ta.getAttribute('data-msg-over'), { n: nf.format(-left) });
      }
      function update() {
        var t = text();
        if (out) {
          out.textContent = t;
          out.classList.toggle('field-error', Array.from(ta.value.trim()).length > max);
        }
        clearTimeout(timer);
        timer = setTimeout(function () { if (live) live.textContent = t; }, 1000);
      }
      ta.addEventListener('input', update);
      if (out) out.textContent = text();
    });
  }

  var extensions = {
    png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif',
    webp: 'image/webp', heic: 'image/heic', heif: 'image/heif', pdf: 'application/pdf', txt: 'text/plain', log: 'text/plain', csv: 'text/plain'
  };

  // typeOf trusts the browser's type, falling back to the name's ending;
  // the server checks the bytes in any case.
  function typeOf(file) {
    if (file.type) return file.type;
    var m = /\.([a-z0-9]+)$/i.exec(file.name);
    return m ? extensions[m[1].toLowerCase()] || '' : '';
  }

  function enhanceUpload(form, carried) {
    var zone = form.querySelector('[data-dropzone]');
    var input = zone ? zone.querySelector('input[type=file]') : null;
    var list = form.querySelector('[data-file-list]');
    var fileErrors = form.querySelector('[data-file-errors]');
    var status = form.querySelector('[data-form-status]');
    var submit = form.querySelector('[data-submit]');
    var wrap = form.querySelector('[data-progress-wrap]');
    var progress = form.querySelector('[data-progress]');
    var bar = form.querySelector('[data-progress-bar]');
    var progressText = form.querySelector('[data-progress-text]');
    var files = [];
    var sending = false;

    function showFileErrors(msgs) {
      if (!fileErrors) return;
      fileErrors.textContent = msgs.join(' ');
      fileErrors.classList.toggle('hidden', msgs.length === 0);
    }

    function render() {
      if (!list) return;
      list.textContent = '';
      files.forEach(function (f, i) {
        var li = document.createElement('li');
        li.className = 'file-item';
        var name = document.createElement('span');
        name.className = 'min-w-0 flex-1 truncate font-medium text-slate-800';
        name.textContent = f.name;
        var size = document.createElement('span');
        size.className = 'shrink-0 text-slate-600';
        size.textContent = formatSize(f.size);
        var remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'shrink-0 rounded-full px-3 py-1 font-semibold text-red-700 hover:bg-red-50';
        remove.textContent = '×';
        remove.setAttribute('aria-label', fill(zone.getAttribute('data-msg-remove'), { name: f.name }));
        remove.addEventListener('click', function () {
          files.splice(i, 1);
          render();
          showFileErrors([]);
          input.focus();
        });
        li.append(name, size, remove);
        list.appendChild(li);
      });
    }

    function add(chosen) {
      var max = +zone.getAttribute('data-max-file-bytes');
      var maxFiles = +zone.getAttribute('data-max-files');
      var accept = zone.getAttribute('data-accept').split(',');
      var errors = [];
      Array.prototype.forEach.call(chosen, function (f) {
        var vals = { name: f.name };
        if (accept.indexOf(typeOf(f)) < 0) errors.push(fill(zone.getAttribute('data-msg-bad-type'), vals));
        else if (f.size > max) errors.push(fill(zone.getAttribute('data-msg-too-large'), vals));
        else if (f.size === 0) errors.push(fill(zone.getAttribute('data-msg-empty'), vals));
        else if (files.length >= maxFiles) {
          var msg = zone.getAttribute('data-msg-too-many');
          if (errors.indexOf(msg) < 0) errors.push(msg);
        } else files.push(f);
      });
      render();
      showFileErrors(errors);
    }

    if (zone && input) {
      // The script's own button (in the page's language) stands in for
      // the browser's, which speaks the browser's language; the input
      // stays focusable and labelled for keyboards and screen readers.
      zone.querySelectorAll('.js-only').forEach(function (el) { el.classList.remove('hidden'); });
      input.classList.add('sr-only');
      if (carried && carried.length) {
        files = carried.slice();
        render();
        var note = form.querySelector('#files-not-kept');
        if (note) note.remove();
      }
      input.addEventListener('change', function () {
        add(input.files);
        input.value = '';
      });
      ['dragenter', 'dragover'].forEach(function (ev) {
        zone.addEventListener(ev, function (e) {
          e.preventDefault();
          zone.classList.add('dropzone-active');
        });
      });
      ['dragleave', 'drop'].forEach(function (ev) {
        zone.addEventListener(ev, function (e) {
          e.preventDefault();
          zone.classList.remove('dropzone-active');
        });
      });
      zone.addEventListener('drop', function (e) {
        if (e.dataTransfer && e.dataTransfer.files) add(e.dataTransfer.files);
      });
    }

    function setProgress(p) {
      p = Math.max(0, Math.min(100, Math.round(p)));
      progress.setAttribute('aria-valuenow', String(p));
      bar.style.width = p + '%';
      progressText.textContent = p + '%';
    }

    function fail(msg) {
      sending = false;
      submit.disabled = false;
      submit.innerHTML = label;
      wrap.classList.add('hidden');
      status.textContent = msg;
      status.classList.remove('hidden');
    }

    // The label is markup of ours (the composer's changes with its
    // audience): kept whole, to put back after a failure.
    var label = submit.innerHTML;

    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (sending) return;
      sending = true;
      status.classList.add('hidden');
      var data = new FormData(form);
      // The button pressed may carry a value of its own ("send and
      // resolve"), which FormData leaves out.
      if (e.submitter && e.submitter.name) data.append(e.submitter.name, e.submitter.value);
      if (input) {
        data.delete(input.name);
        files.forEach(function (f) { data.append(input.name, f, f.name); });
      }
      submit.disabled = true;
      submit.textContent = submit.getAttribute('data-msg-sending');
      setProgress(0);
      wrap.classList.remove('hidden');

      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.responseType = 'document';
      xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
      xhr.upload.addEventListener('progress', function (ev) {
        if (ev.lengthComputable) setProgress(ev.loaded / ev.total * 100);
      });
      xhr.upload.addEventListener('load', function () { setProgress(100); });
      xhr.addEventListener('error', function () { fail(status.getAttribute('data-msg-failed')); });
      xhr.addEventListener('load', function () {
        var doc = xhr.response;
        var landed = xhr.responseURL ? new URL(xhr.responseURL) : null;
        // The server answers a good post with 303 to the ticket's page,
        // which XMLHttpRequest follows: go there.
        if (xhr.status < 300 && landed && landed.pathname !== new URL(form.action).pathname) {
          setProgress(100);
          window.location.assign(landed.href);
          return;
        }
        // A refused post comes back as the same form with its errors:
        // show it, keeping the chosen files.
        var testid = form.getAttribute('data-testid');
        var fresh = doc && doc.querySelector('form[data-testid="' + testid + '"]');
        if (fresh) {
          fresh = swapIn(doc, form, fresh, files);
          var summary = fresh.querySelector('[data-testid="error-summary"]');
          if (summary) summary.focus();
          return;
        }
        var title = doc && doc.querySelector('[data-testid="error-page"] h1');
        var detail = doc && doc.querySelector('[data-testid="error-page"] p.mt-4');
        fail(title ? title.textContent + '. ' + (detail ? detail.textContent : '') : status.getAttribute('data-msg-failed'));
      });
      xhr.send(data);
    });
  }

  // Relative times ("3 min") keep their words; their title, the full
  // date, follows the reader's zone like the other times.
  function localTitles(root) {
    var dt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    root.querySelectorAll('time[data-local-title]').forEach(function (el) {
      var t = new Date(el.getAttribute('datetime'));
      if (!isNaN(t)) el.title = dt.format(t);
    });
  }

  // Copy buttons: a button with data-copy="#field" copies the field's
  // value and says "Copied" (its data-copied) for a moment. The button is
  // rendered hidden and shown only here, where the clipboard can be
  // reached; without it (or when the browser refuses) the field stays,
  // selected, for the reader to copy by hand.
  function copyButtons(root) {
    root.querySelectorAll('button[data-copy]').forEach(function (b) {
      var field = document.querySelector(b.getAttribute('data-copy'));
      if (!field || b.hasAttribute('data-copy-ready')) return;
      b.setAttribute('data-copy-ready', '');
      b.hidden = false;
      var label = b.textContent;
      var timer;
      b.addEventListener('click', function () {
        field.focus();
        field.select();
        function copied() {
          b.textContent = b.getAttribute('data-copied');
          b.setAttribute('data-state', 'copied');
          clearTimeout(timer);
          timer = setTimeout(function () {
            b.textContent = label;
            b.removeAttribute('data-state');
          }, 2500);
        }
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(field.value).then(copied, function () {
            if (document.execCommand && document.execCommand('copy')) copied();
          });
        } else if (document.execCommand && document.execCommand('copy')) {
          copied();
        }
      });
    });
  }

  // The desk's menu is a disclosure: a click elsewhere or Escape folds it.
  document.addEventListener('click', function (e) {
    document.querySelectorAll('details[data-desk-menu][open]').forEach(function (d) {
      if (!d.contains(e.target)) d.open = false;
    });
  });
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape') return;
    document.querySelectorAll('details[data-desk-menu][open]').forEach(function (d) {
      d.open = false;
      var s = d.querySelector('summary');
      if (s) s.focus();
    });
  });

  function enhance(root, carried, carriedForm) {
    counters(root);
    localTimes(root);
    localTitles(root);
    copyButtons(root);
    selectOnFocus(root);
    if (root.matches && root.matches('form[data-upload]')) enhanceUpload(root, carried);
    else root.querySelectorAll('form[data-upload]').forEach(function (f) { enhanceUpload(f, f === carriedForm ? carried : null); });
  }

  // swapIn shows a refused post's answer (doc) as a fresh load would:
  // the whole of <main>, read afresh (the thread, who is here, the side
  // panel), not only the form, so nothing of the old page lingers beside
  // the new form. The chosen files stay with the form. Its scripts are
  // already loaded here: they hear "desk:swapped" and set the new parts
  // up (presence.js, macros.js; composer.js watches for new forms), as
  // htmx does with its attributes. Returns the new form.
  function swapIn(doc, form, fresh, files) {
    var main = form.closest('main');
    var freshMain = doc.querySelector('main');
    var root;
    if (main && freshMain && freshMain.contains(fresh)) {
      root = document.importNode(freshMain, true);
      root.querySelectorAll('script').forEach(function (el) { el.remove(); });
      main.replaceWith(root);
      if (doc.title) document.title = doc.title;
      fresh = root.querySelector('form[data-testid="' + form.getAttribute('data-testid') + '"]');
    } else {
      root = fresh = document.importNode(fresh, true);
      form.replaceWith(fresh);
    }
    enhance(root, files, fresh);
    if (window.htmx) window.htmx.process(root);
    document.dispatchEvent(new CustomEvent('desk:swapped', { detail: { root: root } }));
    return fresh;
  }

  function selectOnFocus(root) {
    root.querySelectorAll('[data-select-on-focus]').forEach(function (el) {
      if (el.hasAttribute('data-select-ready')) return;
      el.setAttribute('data-select-ready', '');
      el.addEventListener('focus', function () { el.select(); });
    });
  }

  // A file dropped beside the drop zone must not replace the page.
  ['dragover', 'drop'].forEach(function (ev) {
    document.addEventListener(ev, function (e) {
      if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, 'Files') >= 0 &&
          !(e.target.closest && e.target.closest('[data-dropzone]'))) {
        e.preventDefault();
      }
    });
  });

  enhance(document);
  var summary = document.querySelector('[data-testid="error-summary"]');
  if (summary) summary.focus();
})();
