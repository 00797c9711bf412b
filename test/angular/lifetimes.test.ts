/**
 * What `injectSmoothSession()`, `injectSmoothChat()` and `turnSignals()` leave behind when their injector is already
 * destroyed (a call from an async callback after the component left): Angular's `onDestroy`
 * throws, and it must do so before anything is created that nothing could then close.
 */
import './support/testbed.js';
import { DestroyRef, Injector, provideZonelessChangeDetection, runInInjectionContext } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { SMOOTH_CLIENT, SmoothTestingController, injectSmoothChat, injectSmoothClient, injectSmoothSession, provideSmoothOperatorTesting, turnSignals } from 'smooth-operator-rx/angular';
import type { SmoothClient } from 'smooth-operator-rx';
import { ChatComponent } from './support/chat.component.js';

/** A component's injector after the component was destroyed, with the client and the testing server it used. */
async function destroyedComponent(): Promise<{ injector: Injector; client: SmoothClient; server: SmoothTestingController }> {
  TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideSmoothOperatorTesting()] });
  const fixture = TestBed.createComponent(ChatComponent);
  await fixture.whenStable();
  const injector = fixture.componentRef.injector.get(Injector);
  const client = TestBed.inject(SMOOTH_CLIENT);
  const server = TestBed.inject(SmoothTestingController);
  fixture.destroy();
  return { injector, client, server };
}

describe('on a destroyed injector', () => {
  it('injectSmoothSession throws before it opens a session handle (no handle left that nothing closes)', async () => {
    const { injector, client, server } = await destroyedComponent();
    const session = jest.spyOn(client, 'session');

    expect(() => runInInjectionContext(injector, () => injectSmoothSession({ agentId: 'support', userName: 'Bob' }))).toThrow(/NG0911/);
    expect(session).not.toHaveBeenCalled();
    expect(server.connections).toHaveLength(0);
  });

  // The teardown is registered before the turn is subscribed: a turn started with nobody able to
  // stop it (no stop(), nothing on destroy) would run to its end.
  it('turnSignals on a destroyed injector starts no turn (nothing sent, nothing left running)', async () => {
    const { injector, client, server } = await destroyedComponent();

    // Angular's own NG0911, before the turn is subscribed.
    expect(() => turnSignals(client.turn({ sessionId: 's1', message: 'too late' }), { injector })).toThrow(/NG0911/);
    expect(server.match('send_message')).toEqual([]);
    expect(server.connections).toHaveLength(0);
  });

  it('injectSmoothChat throws before it creates a chat (no session, nothing read from storage)', async () => {
    const { injector, client, server } = await destroyedComponent();
    const session = jest.spyOn(client, 'session');
    const storage = { get: jest.fn(() => 'conversation-7'), set: jest.fn(), remove: jest.fn() };

    expect(() => runInInjectionContext(injector, () => injectSmoothChat({ agentId: 'support', userName: 'Bob', storage }))).toThrow(/NG0911/);
    expect(session).not.toHaveBeenCalled();
    expect(storage.get).not.toHaveBeenCalled();
    expect(server.connections).toHaveLength(0);
  });
});

describe('a finished turn', () => {
  // A long-lived injector (a root service running every turn of the app) must not keep each
  // finished turn's transcript reachable for the app's lifetime.
  it('a finished turn releases its DestroyRef registration (no growth per turn on a long-lived injector)', async () => {
    const registered = new Set<() => void>();
    const destroyRef: DestroyRef = {
      onDestroy: (callback: () => void) => {
        registered.add(callback);
        return () => registered.delete(callback);
      },
      destroyed: false,
    } as unknown as DestroyRef;
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideSmoothOperatorTesting()] });
    const client = TestBed.runInInjectionContext(() => injectSmoothClient());
    const server = TestBed.inject(SmoothTestingController);
    // An injector whose DestroyRef records what is registered (Injector.create would hand out its own).
    const injector = { get: (token: unknown) => (token === DestroyRef ? destroyRef : TestBed.inject(token as typeof Injector)) } as unknown as Injector;

    for (let i = 0; i < 3; i++) {
      const turn = turnSignals(client.turn({ sessionId: 's1', message: `m${i}` }), { injector });
      server.expectTurn(`m${i}`).accept().respond(`answer ${i}`);
      await Promise.resolve();
      expect(turn.done()).toBe(true);
    }
    expect(registered.size).toBe(0);
  });
});
