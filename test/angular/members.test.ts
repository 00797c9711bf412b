/**
 * The zone wrapper and the server-platform stub are derived from one list of the client's and
 * the session's members: a member of the real client missing from the list, or from either
 * wrapper, fails here.
 */
import 'zone.js';
import { NgZone } from '@angular/core';
import { serverPlatformClient } from '../../src/angular/server.js';
import { zonedClient } from '../../src/angular/zone.js';
import { createSmoothClient } from '../../src/client/client.js';
import { CLIENT_MEMBERS, SESSION_MEMBERS } from '../../src/client/members.js';
import { FakeSockets } from '../../src/testing/fake-socket.js';

/** Own members and those of its prototypes (a class's methods), but Object's. */
function membersOf(value: object): string[] {
  const names = new Set<string>(Object.keys(value));
  for (let proto = Object.getPrototypeOf(value) as object | null; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) if (name !== 'constructor') names.add(name);
  }
  return [...names].filter((name) => !name.startsWith('_')).sort();
}

describe('the client and session member lists', () => {
  const zone = new NgZone({ enableLongStackTrace: false });
  const client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: new FakeSockets().WebSocket });
  const session = client.session({ agentId: 'a' });
  afterAll(() => client.close());

  it('name every member of the real client and session', () => {
    expect(membersOf(client)).toEqual(Object.keys(CLIENT_MEMBERS).sort());
    expect(membersOf(session)).toEqual(Object.keys(SESSION_MEMBERS).sort());
  });

  it('the zone wrapper has every member, and only those', () => {
    const zoned = zonedClient(client, zone);
    expect(membersOf(zoned)).toEqual(Object.keys(CLIENT_MEMBERS).sort());
    expect(membersOf(zoned.session({ agentId: 'a' }))).toEqual(Object.keys(SESSION_MEMBERS).sort());
  });

  it('the server-platform stub has every member, and only those', () => {
    const stub = serverPlatformClient();
    expect(membersOf(stub)).toEqual(Object.keys(CLIENT_MEMBERS).sort());
    expect(membersOf(stub.session({ agentId: 'a' }))).toEqual(Object.keys(SESSION_MEMBERS).sort());
  });
});
