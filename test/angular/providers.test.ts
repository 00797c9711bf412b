/**
 * `provideSmoothOperator()`: the README's provider snippet works as written, and on the server
 * platform the config function is never run.
 */
import './support/testbed.js';
import { Component, Injectable, Injector, PLATFORM_ID, inject, provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import {
  SmoothTestingController,
  injectSmoothClient,
  injectSmoothSession,
  provideSmoothOperator,
  provideSmoothOperatorTesting,
  type TurnSignals,
} from 'smooth-operator-rx/angular';

/** A component with a session and an injector, as in the README (declared without decorator syntax, like the README's snippets). */
class Holder {
  readonly session = injectSmoothSession({ agentId: 'support', userName: 'Alice' });
  readonly injector = inject(Injector);
  readonly turn = signal<TurnSignals | undefined>(undefined);
}
Component({ selector: 'provider-holder', template: `<p>{{ turn()?.transcript()?.answer }}</p>` })(Holder);

describe('provideSmoothOperator', () => {
  // Finding 1 (README "Angular" first snippet and provideSmoothOperator's TSDoc example):
  // `token: () => inject(Auth).token()` calls inject() when the client connects, long after the
  // config function's injection context is gone: Angular throws NG0203, the client never
  // connects and sits in `reconnecting` (reason "url or token: NG0203 …") retrying forever.
  it('the documented provider snippet works: a token function that inject()s (as in the README) yields the token', async () => {
    class Auth {
      token(): string {
        return 'secret-token';
      }
    }
    Injectable({ providedIn: 'root' })(Auth);
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        // Verbatim from the README / TSDoc:
        provideSmoothOperator(() => ({ url: 'wss://agents.example.com/ws', token: () => inject(Auth).token() })),
        provideSmoothOperatorTesting(),
      ],
    });
    const client = TestBed.runInInjectionContext(() => injectSmoothClient());
    const server = TestBed.inject(SmoothTestingController);
    const failures: unknown[] = [];
    client.ping().subscribe({ error: (error: unknown) => failures.push(error) });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(failures).toEqual([]);
    expect(server.connections).toHaveLength(1);
    expect(server.socket.url).toContain('token=secret-token');
  });

  // on the server platform the config
  // function is never run (it may touch `window`), and nothing connects.
  it('on the server platform the config function is not run', async () => {
    let ran = 0;
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        { provide: PLATFORM_ID, useValue: 'server' },
        provideSmoothOperator(() => {
          ran++;
          return { url: 'ws://x.test/ws' };
        }),
        provideSmoothOperatorTesting(),
      ],
    });
    const fixture = TestBed.createComponent(Holder);
    await fixture.whenStable();
    const server = TestBed.inject(SmoothTestingController);
    let settled = false;
    void firstValueFrom(fixture.componentInstance.session.turn('hi')).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(ran).toBe(0);
    expect(settled).toBe(false);
    expect(server.connections).toHaveLength(0);
  });
});
