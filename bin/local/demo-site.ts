import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { snippetFile } from '../../lambdas/collect/snippet/snippet-file.js';
import type { CollectorSite } from '../../lambdas/shared/sites/site.js';

/**
 * A small website on its own origin (http://localhost:<port>) with the snippet installed as the README
 * tells a controller to: the local server's demo and the browser test's test page. Every page is served
 * with a strict Content Security Policy (no inline script, scripts only from this origin and the API),
 * so a snippet that needed eval or inline code would fail here.
 */
export interface DemoSite {
  /** http://localhost:<port>: the origin the demo site's configuration allows. */
  readonly origin: string;
  /** Starts serving pages that load the snippet from `apiUrl` with `siteKey`. */
  serve(snippet: { readonly apiUrl: string; readonly siteKey: string }): void;
  close(): Promise<void>;
}

/** The local demo site of `npm start` (local only: never part of the deployed configuration). */
export const DEMO_SITE_KEY = 'pk_local_demo_site_0000000000';
export const demoSiteConfig = (tenantId: string, origin: string): CollectorSite => ({
  tenantId,
  siteId: 'demo.localhost',
  allowedOrigins: [origin],
  honourGlobalPrivacyControl: true,
  honourDoNotTrack: true,
  pageViewsPerMinute: 600,
});

/** Pages: / and /pricing and /about (one single-page app), /consent (the snippet waits for consent). */
const SPA_PATHS = new Set(['/', '/pricing', '/about']);

export async function startDemoSite(port = 0): Promise<DemoSite> {
  let snippet: { readonly apiUrl: string; readonly siteKey: string } | undefined;
  const server = createServer((request, response) => answer(request, response, snippet));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    serve: (settings) => (snippet = settings),
    close: () => closed(server),
  };
}

function answer(request: IncomingMessage, response: ServerResponse, snippet: { apiUrl: string; siteKey: string } | undefined): void {
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  if (!snippet) return send(response, 503, 'text/plain; charset=utf-8', 'not ready');
  if (pathname === '/demo.js') return send(response, 200, 'text/javascript; charset=utf-8', DEMO_SCRIPT);
  if (SPA_PATHS.has(pathname)) return page(response, snippet, false);
  if (pathname === '/consent') return page(response, snippet, true);
  return send(response, 404, 'text/plain; charset=utf-8', 'not found');
}

function page(response: ServerResponse, settings: { apiUrl: string; siteKey: string }, waitForConsent: boolean): void {
  const { version, integrity } = snippetFile();
  const apiOrigin = new URL(settings.apiUrl).origin;
  const tag =
    `<script src="${settings.apiUrl}/v1/snippet.js?v=${version}" integrity="${integrity}" crossorigin="anonymous" ` +
    `data-site-key="${settings.siteKey}"${waitForConsent ? ' data-consent="wait"' : ''} defer></script>`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Demo site: page-view snippet</title>
${tag}
<script src="/demo.js" defer></script>
</head>
<body>
<h1>Demo site</h1>
<p>This page has the page-view snippet installed. Each page you open here (and each link below, which
navigates like a single-page app) is reported to the local collector; <code>GET /v1/visits</code> shows it.</p>
<nav><a href="/" data-spa>Home</a> · <a href="/pricing" data-spa>Pricing</a> · <a href="/about" data-spa>About</a> · <a href="/consent">Consent demo</a></nav>
${waitForConsent ? '<p>The snippet waits for consent here. <button id="consent" type="button">Accept analytics</button></p>' : ''}
<p id="path"></p>
</body>
</html>
`;
  response.setHeader(
    'content-security-policy',
    `default-src 'none'; script-src 'self' ${apiOrigin}; connect-src ${apiOrigin}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  );
  send(response, 200, 'text/html; charset=utf-8', html);
}

/** The demo's own script (a file, as CSP wants): single-page navigation and the consent button. */
const DEMO_SCRIPT = `document.addEventListener('click', function (event) {
  var link = event.target.closest('a[data-spa]');
  if (!link) return;
  event.preventDefault();
  history.pushState({}, '', link.getAttribute('href'));
  document.getElementById('path').textContent = 'Now on ' + location.pathname + ' (no page load)';
});
document.addEventListener('DOMContentLoaded', function () {
  var button = document.getElementById('consent');
  if (button) button.addEventListener('click', function () { window.euIpVisits.grantConsent(); });
});
`;

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  response.end(body);
}

function closed(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
