// The ticket composer's extras; the form itself works without them.
// - Drafts: what is typed is kept in localStorage per ticket, agent and
//   audience, given back after a reload, and dropped once a send worked.
// - Keys: Alt+R reply, Alt+N internal note, Ctrl/Cmd+Enter send.
// - Preview: the text through the server's own renderer, signature too.
(function () {
  'use strict';

  var SENT = 'composer-sent'; // sessionStorage: the draft a send took

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function setup(form) {
    if (form.getAttribute('data-composer-ready')) return;
    form.setAttribute('data-composer-ready', '1');
    var body = form.querySelector('[data-composer-body]');
    var note = form.querySelector('#internal-note');
    var reply = form.querySelector('#internal');
    var base = form.getAttribute('data-draft-key');
    var ls = store();
    if (!body || !note || !reply || !base) return;

    function key() { return base + ':' + (note.checked ? 'note' : 'reply'); }

    function restore() {
      if (!ls || body.value.trim() !== '') return;
      var d = ls.getItem(key());
      if (d) body.value = d;
    }
    function save() {
      if (!ls) return;
      if (body.value.trim() === '') ls.removeItem(key());
      else ls.setItem(key(), body.value);
    }
    restore();
    body.addEventListener('input', save);
    [note, reply].forEach(function (r) {
      r.addEventListener('change', function () {
        // Each audience keeps its own draft: a note never becomes a reply
        // by switching.
        var other = (r === note ? base + ':reply' : base + ':note');
        if (ls && body.value.trim() !== '') ls.setItem(other, body.value);
        body.value = '';
        restore();
        if (preview && !previewWrap.classList.contains('hidden')) showPreview();
      });
    });
    form.addEventListener('submit', function () {
      try { window.sessionStorage.setItem(SENT, key()); } catch (e) { /* ignore */ }
    });

    form.addEventListener('keydown', function (e) {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        var btn = form.querySelector('[data-submit]');
        if (form.requestSubmit) form.requestSubmit(btn); else btn.click();
      }
    });

    var preview = form.querySelector('[data-composer-preview]');
    var previewWrap = form.querySelector('[data-composer-preview-wrap]');
    var previewBtn = form.querySelector('[data-composer-preview-button]');
    function showPreview() {
      var data = new URLSearchParams();
      data.set('csrf', form.querySelector('input[name="csrf"]').value);
      data.set('body', body.value);
      data.set('internal', note.checked ? 'true' : 'false');
      fetch(form.getAttribute('data-preview'), {
        method: 'POST', credentials: 'same-origin', body: data,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
      }).then(function (r) { return r.ok ? r.text() : ''; }).then(function (html) {
        // The server's renderer escapes everything but its small subset.
        preview.innerHTML = html;
        previewWrap.classList.remove('hidden');
      });
    }
    if (preview && previewBtn) {
      previewBtn.classList.remove('hidden');
      previewBtn.addEventListener('click', showPreview);
    }
  }

  document.addEventListener('keydown', function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    var k = (e.key || '').toLowerCase();
    var id = k === 'n' || e.code === 'KeyN' ? 'internal-note' : (k === 'r' || e.code === 'KeyR' ? 'internal' : '');
    var radio = id && document.getElementById(id);
    if (!radio) return;
    e.preventDefault();
    radio.checked = true;
    radio.dispatchEvent(new Event('change', { bubbles: true }));
    var body = document.querySelector('[data-composer-body]');
    if (body) body.focus();
  });

  // A send that worked lands on the ticket with its notice: drop the
  // draft it sent. (Checked once, on load: a refused send swaps in a new
  // form with the text kept, and keeps its draft.)
  function dropSent() {
    try {
      var sent = window.sessionStorage.getItem(SENT);
      var ls = store();
      if (sent && document.querySelector('[data-testid="ticket-notice"] p') && ls) ls.removeItem(sent);
      window.sessionStorage.removeItem(SENT);
    } catch (e) { /* no storage: nothing kept */ }
  }

  function all() { document.querySelectorAll('form[data-composer]').forEach(setup); }
  // The page script swaps in the refused form: set the new one up too.
  new MutationObserver(all).observe(document.documentElement, { childList: true, subtree: true });
  function start() { dropSent(); all(); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
