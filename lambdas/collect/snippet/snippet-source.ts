/**
 * The page-view snippet as served by GET /v1/snippet.js and for self-hosting: plain ES2017 that every
 * current browser runs as it is, so no build step stands between this text and the SRI hash in the
 * README. What it does and does not do is documented there ("Website snippet"); in short:
 *   - reads its settings from its own <script> tag: data-site-key, data-consent="wait", data-endpoint;
 *   - reports origin + path of the page (never query or fragment) and the referrer stripped the same way;
 *   - navigator.sendBeacon with a text/plain body (no CORS preflight), fetch keepalive when that fails;
 *   - single-page apps: history.pushState / replaceState and popstate report a changed path once;
 *   - consent gate: with data-consent="wait" nothing is sent until euIpVisits.grantConsent() is called;
 *   - no cookies, no storage, no fingerprinting, no eval, no inline code, no request but to the collector.
 */
export const SNIPPET_SOURCE = `/*! eu-ip-enrichment page-view snippet (Apache-2.0): cookieless, see the project README */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.euIpVisits) return;
  var siteKey = script.getAttribute('data-site-key');
  var endpoint = script.getAttribute('data-endpoint') || new URL('collect', script.src).href;
  var waiting = script.getAttribute('data-consent') === 'wait';
  var lastPage = null;
  var referrer = stripped(document.referrer);

  function stripped(address) {
    try {
      var url = new URL(address);
      var ipHost = /^[\\d.]+$|^\\[/.test(url.hostname);
      return /^https?:$/.test(url.protocol) && !ipHost ? url.origin + url.pathname : null;
    } catch (e) {
      return null;
    }
  }

  function report() {
    var page = location.origin + location.pathname;
    if (waiting || !siteKey || page === lastPage) return;
    var body = JSON.stringify({ siteKey: siteKey, pageUrl: page, referrer: lastPage || referrer });
    lastPage = page;
    var queued = false;
    try {
      queued = navigator.sendBeacon(endpoint, body);
    } catch (e) {}
    if (!queued) fetch(endpoint, { method: 'POST', body: body, keepalive: true, credentials: 'omit' }).catch(function () {});
  }

  ['pushState', 'replaceState'].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      var result = original.apply(this, arguments);
      report();
      return result;
    };
  });
  addEventListener('popstate', report);
  window.euIpVisits = {
    grantConsent: function () {
      waiting = false;
      report();
    }
  };
  report();
})();
`;
