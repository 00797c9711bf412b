import { SmoothConnectionError } from '../errors.js';

/**
 * Puts `token` into the URL's query string with the URL API: other parameters are kept, an
 * existing `token` is replaced, the value is percent-encoded. Without a token the URL is returned
 * as given. A URL that does not parse fails with `INVALID_URL`, its secrets redacted: the URL
 * API's own TypeError carries the whole URL.
 */
export function withToken(url: string, token: string | undefined): string {
  // Untouched without a token: browsers resolve a relative URL against the page themselves.
  if (token === undefined) return url;
  const parsed = parseEndpoint(url, token);
  parsed.searchParams.set('token', token);
  return parsed.toString();
}

/**
 * The URL a connection attempt dials: `withToken`, after checking that the URL parses as a
 * WebSocket URL also when there is no token. Otherwise a bad port or scheme would surface only
 * inside the WebSocket constructor, as a socket error, and be reported unlike the same URL with
 * a token.
 */
export function endpointOf(url: string, token: string | undefined): string {
  if (token !== undefined) return withToken(url, token);
  parseEndpoint(url, undefined);
  return url;
}

function parseEndpoint(url: string, token: string | undefined): URL {
  // An unset environment variable arrives here as undefined, despite the type.
  if (typeof url !== 'string') throw new SmoothConnectionError('INVALID_URL', `invalid URL: ${String(url)}`);
  let parsed: URL;
  try {
    // A relative URL resolves against the page, as the browser's WebSocket would resolve it.
    parsed = new URL(url, (globalThis as { location?: { href?: string } }).location?.href);
  } catch {
    throw new SmoothConnectionError('INVALID_URL', `invalid URL: ${redact(url, token)}`);
  }
  // Browsers and ws accept http(s) as ws(s); anything else would fail inside the constructor.
  if (!SCHEMES.has(parsed.protocol)) throw new SmoothConnectionError('INVALID_URL', `invalid URL scheme ${parsed.protocol}: ${redact(url, token)}`);
  // The WebSocket constructors refuse a fragment (even an empty one, hence href, not hash).
  if (parsed.href.includes('#')) throw new SmoothConnectionError('INVALID_URL', `invalid URL, fragment not allowed: ${redact(url, token)}`);
  return parsed;
}

const SCHEMES = new Set(['ws:', 'wss:', 'http:', 'https:']);
const TOKEN_PARAM = /([?&]token=)[^&#\s]*/gi;

/**
 * `text` with every `token` query value and every occurrence of the token itself (raw or
 * percent-encoded) replaced, for anything that may reach a log: error messages, close reasons.
 */
export function redact(text: string, token: string | undefined): string {
  let out = text.replace(TOKEN_PARAM, '$1***');
  if (token !== undefined && token !== '') {
    for (const form of new Set([token, encodeURIComponent(token), new URLSearchParams({ t: token }).toString().slice(2)])) {
      out = out.split(form).join('***');
    }
  }
  return out;
}
