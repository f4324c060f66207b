// Live presence on a ticket: one EventSource per open page says who else
// is viewing or replying, and warns when a public message arrives while
// the agent is reading. The page says when its agent starts and stops
// typing (two posts per burst of typing, no timer per keystroke).
(function () {
  'use strict';
  var root = document.querySelector('[data-presence]');
  if (!root || !window.EventSource) return;
  var url = root.getAttribute('data-presence');
  var seen = root.getAttribute('data-seen') || '0';
  var line = root.querySelector('[data-presence-line]');
  var text = root.querySelector('[data-presence-text]');
  var news = root.querySelector('[data-presence-news]');

  var es = new EventSource(url + '?seen=' + encodeURIComponent(seen));
  es.addEventListener('presence', function (e) {
    var d;
    try { d = JSON.parse(e.data); } catch (err) { return; }
    if (text.textContent !== d.text) text.textContent = d.text;
    line.classList.toggle('hidden', !d.text);
    if (d.newest > 0) news.classList.remove('hidden');
  });
  window.addEventListener('pagehide', function () { es.close(); });

  var replying = false;
  var idle = null;
  function tell(state) {
    var csrf = root.getAttribute('data-csrf');
    var data = new URLSearchParams();
    data.set('csrf', csrf);
    data.set('state', state);
    fetch(url, {
      method: 'POST', credentials: 'same-origin', body: data, keepalive: true,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
    }).catch(function () { /* presence is a courtesy */ });
  }
  // Replying holds on the server for 30 s; say it again every 20 s of
  // continued typing, and "viewing" after 8 s without a key.
  var lastTold = 0;
  document.addEventListener('input', function (e) {
    if (!e.target.matches || !e.target.matches('[data-composer-body]')) return;
    var now = Date.now();
    if (!replying || now - lastTold > 20000) {
      replying = true;
      lastTold = now;
      tell('replying');
    }
    clearTimeout(idle);
    idle = setTimeout(function () { replying = false; tell('viewing'); }, 8000);
  });
})();
