// The queue's script, loaded only on /agent. The page works without it;
// it adds: "/" to search, "j"/"k" to move between tickets, Enter to open
// the current one, "x" to select it, "?" for the list of shortcuts (a
// <dialog>), a "select every ticket" box, the bulk bar shown only while
// tickets are selected (with how many), and the views side bar folded on
// narrow screens. Keys are ignored while typing in a field or with a
// modifier held, so they never take a letter from someone writing.
(function () {
  'use strict';

  var search = document.querySelector('[data-queue-search]');
  var dialog = document.getElementById('queue-keys');
  var openButton = document.querySelector('[data-keys-open]');
  var current = -1;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll('[data-queue-row]'));
  }

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    if (tag === 'INPUT') return !/^(checkbox|radio|button|submit|reset)$/.test(el.type);
    return tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
  }

  // highlight marks the current row and focuses its link, so the focus
  // ring shows where j/k went and Enter follows the link natively.
  function highlight(i) {
    var all = rows();
    if (!all.length) return;
    i = Math.max(0, Math.min(all.length - 1, i));
    all.forEach(function (row, j) {
      row.classList.toggle('bg-teal-50', j === i);
      if (j === i) row.setAttribute('data-current', '');
      else row.removeAttribute('data-current');
    });
    current = i;
    var link = all[i].querySelector('[data-queue-open]');
    if (link) {
      link.focus();
      all[i].scrollIntoView({ block: 'nearest' });
    }
  }

  // rowOf is the index of the row holding el, -1 outside the table.
  function rowOf(el) {
    var row = el && el.closest ? el.closest('[data-queue-row]') : null;
    return row ? rows().indexOf(row) : -1;
  }

  function showKeys() {
    if (dialog && !dialog.open && dialog.showModal) dialog.showModal();
  }

  if (openButton && dialog && dialog.showModal) {
    openButton.hidden = false;
    openButton.addEventListener('click', showKeys);
  }
  if (dialog) {
    dialog.querySelectorAll('[data-keys-close]').forEach(function (b) {
      b.addEventListener('click', function () { dialog.close(); });
    });
    // A click on the backdrop (outside the dialog's box) closes it too.
    dialog.addEventListener('click', function (e) {
      if (e.target === dialog) dialog.close();
    });
  }

  // "Select every ticket on this page", with the mixed state when only
  // some are selected.
  var all = document.querySelector('[data-select-all]');
  var wrap = document.querySelector('[data-select-all-wrap]');
  function picks() {
    return Array.prototype.slice.call(document.querySelectorAll('[data-queue-pick]'));
  }
  // The bulk bar: hidden until a ticket is selected, unless it came
  // back refused (data-bulk-keep), when it must show its messages.
  var bar = document.querySelector('[data-bulk-bar]');
  var barCount = document.querySelector('[data-bulk-count]');
  function syncBar(n) {
    if (!bar) return;
    bar.hidden = n === 0 && !bar.hasAttribute('data-bulk-keep');
    if (barCount && n > 0) {
      barCount.textContent = n === 1 ? barCount.getAttribute('data-one')
        : barCount.getAttribute('data-many').replace('{n}', String(n));
    }
  }
  function syncAll() {
    var p = picks();
    var n = p.filter(function (c) { return c.checked; }).length;
    syncBar(n);
    if (!all) return;
    all.checked = n > 0 && n === p.length;
    all.indeterminate = n > 0 && n < p.length;
  }
  if (all && wrap) {
    wrap.hidden = false;
    all.addEventListener('change', function () {
      picks().forEach(function (c) { c.checked = all.checked; });
      syncAll();
    });
  }
  picks().forEach(function (c) { c.addEventListener('change', syncAll); });
  syncAll();

  // The views side bar is a disclosure rendered open; below the wide
  // layout it folds, so the list starts on the first screen of a phone.
  // Back on a wide screen (a rotated tablet) it opens again: there its
  // summary is hidden, so nobody could open it.
  var fold = document.querySelector('[data-views-fold]');
  if (fold && window.matchMedia) {
    var wide = window.matchMedia('(min-width: 1024px)');
    fold.open = wide.matches;
    var refold = function () { fold.open = wide.matches; };
    if (wide.addEventListener) wide.addEventListener('change', refold);
    else if (wide.addListener) wide.addListener(refold);
  }

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    if (dialog && dialog.open) return; // the dialog handles its own keys (Esc)
    if (typing(e.target) && e.key !== 'Enter') return;
    switch (e.key) {
      case '/':
        if (!search) return;
        e.preventDefault();
        search.focus();
        search.select();
        break;
      case 'j':
        e.preventDefault();
        highlight(rowOf(document.activeElement) >= 0 ? rowOf(document.activeElement) + 1 : current + 1);
        break;
      case 'k':
        e.preventDefault();
        highlight(rowOf(document.activeElement) >= 0 ? rowOf(document.activeElement) - 1 : Math.max(current - 1, 0));
        break;
      case 'x': {
        var i = rowOf(document.activeElement);
        if (i < 0) i = current;
        if (i < 0) return;
        var box = rows()[i].querySelector('[data-queue-pick]');
        if (box) {
          e.preventDefault();
          box.checked = !box.checked;
          syncAll();
        }
        break;
      }
      case 'Enter': {
        // On a link or button Enter already does its job; on a row's
        // checkbox, or nowhere in particular, it opens the current ticket.
        var el = document.activeElement;
        if (el && (el.tagName === 'A' || el.tagName === 'BUTTON' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA')) return;
        if (el && el.tagName === 'INPUT' && !el.hasAttribute('data-queue-pick')) return;
        var j = rowOf(el);
        if (j < 0) j = current;
        if (j < 0) return;
        var link = rows()[j].querySelector('[data-queue-open]');
        if (link) {
          e.preventDefault();
          link.click();
        }
        break;
      }
      case '?':
        e.preventDefault();
        showKeys();
        break;
    }
  });
})();
