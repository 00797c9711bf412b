import { firstValueFrom } from 'rxjs';
import type { SmoothError } from '../../src/errors.js';
import { withToken } from '../../src/client/url.js';
import { createSmoothClient } from '../../src/client/client.js';
import { FakeSockets } from '../../src/testing/fake-socket.js';

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
