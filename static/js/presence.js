// Live presence on a ticket: one EventSource per open page says who else
// is viewing or replying, and warns when a public message arrives while
// the agent is reading. The page says when its agent starts and stops
// typing (two posts per burst of typing, no timer per keystroke), and
// when it leaves (a beacon on pagehide), so the others see it go at once.
// A refused send swaps in a fresh workspace (app.js, "desk:swapped"):
// the stream is opened again for it, with what that page has seen.
(function () {
  'use strict';
  if (!window.EventSource) return;
  var cur = null; // { root, es, url, tab }

  function tabID() {
    var a = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function post(state, extra, beacon) {
    if (!cur) return;
    var data = new URLSearchParams();
    data.set('csrf', cur.root.getAttribute('data-csrf'));
    data.set('state', state);
    if (extra) Object.keys(extra).forEach(function (k) { data.set(k, extra[k]); });
    if (beacon && navigator.sendBeacon) {
      // A Blob keeps the form content type, which the server reads.
      var blob = new Blob([data.toString()], { type: 'application/x-www-form-urlencoded' });
      if (navigator.sendBeacon(cur.url, blob)) return;
    }
    fetch(cur.url, {
      method: 'POST', credentials: 'same-origin', body: data, keepalive: true,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
    }).catch(function () { /* presence is a courtesy */ });
  }

  function stop() {
    if (!cur || !cur.es) return;
    cur.es.close();
    cur.es = null;
    post('left', { tab: cur.tab }, true);
  }

  function start(root) {
    if (!root) return;
    if (cur && cur.root === root && cur.es) return;
    stop();
    var url = root.getAttribute('data-presence');
    var seen = root.getAttribute('data-seen') || '0';
    var line = root.querySelector('[data-presence-line]');
    var text = root.querySelector('[data-presence-text]');
    var news = root.querySelector('[data-presence-news]');
    var tab = tabID();
    var es = new EventSource(url + '?seen=' + encodeURIComponent(seen) + '&tab=' + tab);
    es.addEventListener('presence', function (e) {
      var d;
      try { d = JSON.parse(e.data); } catch (err) { return; }
      if (text.textContent !== d.text) text.textContent = d.text;
      line.classList.toggle('hidden', !d.text);
      news.classList.toggle('hidden', !(d.newest > 0));
    });
    cur = { root: root, es: es, url: url, tab: tab };
  }

  function here() { start(document.querySelector('[data-presence]')); }
  here();
  window.addEventListener('pagehide', stop);
  // Back from the browser's page cache: the page is open again.
  window.addEventListener('pageshow', function (e) { if (e.persisted) here(); });
  document.addEventListener('desk:swapped', here);

  var replying = false;
  var idle = null;
  // Replying holds on the server for 30 s; say it again every 20 s of
  // continued typing, and "viewing" after 8 s without a key.
  var lastTold = 0;
  document.addEventListener('input', function (e) {
    if (!e.target.matches || !e.target.matches('[data-composer-body]')) return;
    var now = Date.now();
    if (!replying || now - lastTold > 20000) {
      replying = true;
      lastTold = now;
      post('replying');
    }
    clearTimeout(idle);
    idle = setTimeout(function () { replying = false; post('viewing'); }, 8000);
  });
})();
