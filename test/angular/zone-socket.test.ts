/**
 * The socket wrapper that keeps the client's sockets outside the Angular zone: it must not hide
 * what the client needs of Node's `ws`, or a dead socket's teardown waits ws's 30 s close timeout.
 */
import 'zone.js';
import { NgZone } from '@angular/core';
import { outsideAngularOptions } from '../../src/angular/zone.js';
import { FakeSockets } from '../../src/testing/fake-socket.js';

type Made = { terminate?: () => void; close(): void };

describe('the socket under zone.js', () => {
  const zone = new NgZone({ enableLongStackTrace: false });

  it('passes terminate() through to a socket that has one (Node ws), outside the Angular zone', () => {
    const calls: string[] = [];
    class NodeLike {
      binaryType = 'nodebuffer';
      readyState = 0;
      onopen = null;
      onmessage = null;
      onerror = null;
      onclose = null;
      send(): void {}
      close(): void {}
      terminate(): void {
        calls.push(Zone.current.name);
      }
    }
    const Socket = outsideAngularOptions({ url: 'ws://h/ws', webSocketImpl: NodeLike }, zone).webSocketImpl as new (url: string) => Made;
    const socket = zone.run(() => new Socket('ws://h/ws'));
    expect(typeof socket.terminate).toBe('function');
    zone.run(() => socket.terminate?.());
    expect(calls).toHaveLength(1);
    expect(calls[0]).not.toBe('angular');
  });

  it('passes on() through, so the HTTP status of a refused upgrade reaches the client', () => {
    const calls: string[] = [];
    class NodeLike {
      readyState = 0;
      send(): void {}
      close(): void {}
      on(event: string): void {
        calls.push(`${event} in ${Zone.current.name}`);
      }
    }
    const Socket = outsideAngularOptions({ url: 'ws://h/ws', webSocketImpl: NodeLike }, zone).webSocketImpl as new (url: string) => Made & { on?: (event: string, listener: () => void) => void };
    const socket = zone.run(() => new Socket('ws://h/ws'));
    zone.run(() => socket.on?.('unexpected-response', () => undefined));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^unexpected-response in /);
    expect(calls[0]).not.toBe('unexpected-response in angular');
  });

  it('has none when the socket has none (browsers), so the client closes it instead', () => {
    const Socket = outsideAngularOptions({ url: 'ws://h/ws', webSocketImpl: new FakeSockets({ autoOpen: false }).WebSocket }, zone).webSocketImpl as new (url: string) => Made;
    expect(new Socket('ws://h/ws').terminate).toBeUndefined();
  });
});
