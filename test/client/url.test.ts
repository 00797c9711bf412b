import { withToken } from '../../src/client/url.js';
import { createSmoothClient } from '../../src/client/client.js';
import type { SmoothClientOptions } from '../../src/client/options.js';
import { FakeSockets } from '../../src/testing/fake-socket.js';
import { SmoothConnectionError, type SmoothError } from '../../src/errors.js';
import { VirtualTimeScheduler, firstValueFrom } from 'rxjs';

describe('withToken', () => {
  it.each([
    ['ws://h:1/ws', undefined, 'ws://h:1/ws'],
    ['ws://h:1/ws', 'abc', 'ws://h:1/ws?token=abc'],
    ['ws://h:1/ws?tenant=a&x=1', 'abc', 'ws://h:1/ws?tenant=a&x=1&token=abc'],
    ['ws://h:1/ws?token=old&tenant=a', 'new', 'ws://h:1/ws?token=new&tenant=a'],
    ['wss://h/ws', 'a b&c=d/é+', 'wss://h/ws?token=a+b%26c%3Dd%2F%C3%A9%2B'],
  ])('%s + %s → %s', (url, token, expected) => {
    expect(withToken(url, token)).toBe(expected);
    if (token !== undefined) expect(new URL(expected).searchParams.get('token')).toBe(token);
  });

  it('the client connects to the merged URL with the subprotocols', () => {
    const sockets = new FakeSockets({ autoOpen: false });
    const client = createSmoothClient({ url: 'ws://h/ws?tenant=a', token: 't/1', protocols: 'smooth.v1', webSocketImpl: sockets.WebSocket });
    client.ping().subscribe({ error: () => undefined });
    expect(sockets.current.url).toBe('ws://h/ws?tenant=a&token=t%2F1');
    expect(sockets.current.protocols).toBe('smooth.v1');
    client.close();
  });
});

describe('a URL that does not parse', () => {
  const bad = ['ws://h:99999/ws', 'ftp://h/ws', 'not a url'];
  const cases = bad.flatMap((url) =>
    [undefined, 'tok'].flatMap((token) => [
      { url, token, given: 'as values' },
      { url, token, given: 'as functions' },
    ]),
  );

  it.each(cases)('$url with token $token ($given): INVALID_URL, state$ closed/fatal, no socket, no retry', ({ url, token, given }) => {
    expectInvalidUrl({ url: given === 'as values' ? url : () => url, token: given === 'as values' ? token : () => token });
  });
});

describe('a URL that is not there (an unset environment variable: `url: process.env.SMOOTH_URL!`)', () => {
  // An undefined url fails INVALID_URL, closed/fatal, no retry, as a value or from a function.
  it.each(['as a value', 'from a function'])('%s: INVALID_URL, state$ closed/fatal, no retry', (given) => {
    const url = undefined as unknown as string;
    expectInvalidUrl({ url: given === 'as a value' ? url : () => url });
  });
});

describe('a URL the WebSocket itself rejects', () => {
  // A URL with a fragment (which ws and the WHATWG WebSocket constructor refuse) fails INVALID_URL, like any other URL that is not a WebSocket URL.
  it.each([undefined, 'tok'])('ws://127.0.0.1:1/ws#frag with token %s: INVALID_URL, closed/fatal', async (token) => {
    const client = createSmoothClient({ url: 'ws://127.0.0.1:1/ws#frag', token });
    const states: string[] = [];
    client.state$.subscribe((s) => states.push(s.status === 'closed' ? `closed ${s.why}` : s.status));
    const err = await firstValueFrom(client.ping()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmoothConnectionError);
    expect(err).toMatchObject({ code: 'INVALID_URL' });
    expect(states).toEqual(['idle', 'connecting', 'closed fatal']);
    client.close();
  });
});

describe('secrets in URLs', () => {
  const secret = 'S3CRET-tok';
  it.each([
    ['a malformed URL with the token inside', { url: `ws://exa mple/ws?token=${secret}` }],
    ['a malformed URL and the token option', { url: 'ws://exa mple/ws', token: secret }],
    ['a non-ws scheme and the token option', { url: 'nope', token: secret }],
  ])('%s: a SmoothError without the token', async (_name, options) => {
    const client = createSmoothClient({ ...options });
    const err = await firstValueFrom(client.ping()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as SmoothError).code).toMatch(/^[A-Z_]+$/);
    expect(JSON.stringify(err)).not.toContain(secret);
    expect(String((err as Error).message)).not.toContain(secret);
    expect(String((err as Error).stack)).not.toContain(secret);
    expect(Object.values(err as object).map(String).join(' ')).not.toContain(secret);
    client.close();
  });

  it('a URL without a token is passed through as given (browsers resolve relative URLs)', () => {
    expect(withToken('/ws', undefined)).toBe('/ws');
    expect(withToken('ws://h', undefined)).toBe('ws://h');
  });
});

/**
 * A client given `endpoint` fails its first request with INVALID_URL; state$ goes closed/fatal;
 * no socket is made, and nothing is left scheduled (no retry, no request timer outliving its caller).
 */
function expectInvalidUrl(endpoint: Pick<SmoothClientOptions, 'url' | 'token'>): void {
  const sockets = new FakeSockets({ autoOpen: false });
  const clock = new VirtualTimeScheduler();
  const client = createSmoothClient({ ...endpoint, webSocketImpl: sockets.WebSocket, scheduler: clock });
  const states: string[] = [];
  client.state$.subscribe((s) => states.push(s.status === 'closed' ? `closed ${s.why}` : s.status));
  let error: unknown;
  client.getSession('s').subscribe({ error: (e: unknown) => (error = e) });
  clock.flush();
  expect(error).toBeInstanceOf(SmoothConnectionError);
  expect(error).toMatchObject({ code: 'INVALID_URL' });
  expect(states).toEqual(['idle', 'connecting', 'closed fatal']);
  expect(sockets.all).toHaveLength(0);
  expect(clock.actions).toHaveLength(0);
  client.close();
}
