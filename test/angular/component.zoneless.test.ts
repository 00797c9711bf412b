/**
 * A component on `smooth-operator-rx/angular`, zoneless (signals drive change detection), driven
 * by `provideSmoothOperatorTesting()` like an `HttpTestingController` test.
 */
import './support/testbed.js';
import { EnvironmentInjector, InjectionToken, PLATFORM_ID, createEnvironmentInjector, inject, provideZonelessChangeDetection, type Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom, of } from 'rxjs';
import type { ConnectionState } from 'smooth-operator-rx';
import type { TestTurn } from 'smooth-operator-rx/testing';
import { SMOOTH_CLIENT, SmoothTestingController, injectConnectionState, injectSmoothClient, provideSmoothOperator, provideSmoothOperatorTesting } from 'smooth-operator-rx/angular';
import { ChatComponent } from './support/chat.component.js';
import type { MemoryNode } from './support/testbed.js';

function setUp(extra: Provider[] = []) {
  TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideSmoothOperatorTesting(), ...extra] });
  const fixture = TestBed.createComponent(ChatComponent);
  const server = TestBed.inject(SmoothTestingController);
  const root = fixture.nativeElement as MemoryNode;
  const text = (name: string): string => root.findAll((n) => n.attributes.get('class') === name).map((n) => n.textContent).join('');
  return { fixture, server, root, text };
}

describe('a component on smooth-operator-rx/angular (zoneless)', () => {
  it('streams a turn into the template: the rendered answer follows the tokens', async () => {
    const { fixture, server, text } = setUp();
    await fixture.whenStable();
    expect(text('status')).toBe('idle');

    fixture.componentInstance.send('Where is my order?');
    server.expectRequest('create_conversation_session', { agentId: 'support' }).respond();
    const turn = server.expectTurn('Where is my order?');
    turn.accept().token('On its');
    await fixture.whenStable();
    expect(text('answer')).toBe('On its');
    expect(text('status')).toBe('open');

    turn.token(' way');
    await fixture.whenStable();
    expect(text('answer')).toBe('On its way');

    turn.respond('On its way.');
    await fixture.whenStable();
    expect(text('answer')).toBe('On its way.');
    expect(text('done')).toBe('done');
    server.verify();
  });

  it('answers a write confirmation from the component: Approve sends confirm_tool_action, the turn resumes', async () => {
    const { fixture, server, root, text } = setUp();
    fixture.componentInstance.send('Cancel order 42');
    server.expectRequest('create_conversation_session').respond();
    const turn = server.expectTurn('Cancel order 42');
    turn.accept().requireConfirmation('cancel_order', { actionDescription: 'Cancel order 42' });
    await fixture.whenStable();
    expect(text('ask')).toBe('Cancel order 42');

    root.find('button', 'Approve').dispatch('click');
    server.expectConfirm({ approved: true }).ack();
    turn.toolResult('cancel_order', { ok: true }).token('Cancelled.').respond('Cancelled.');
    await fixture.whenStable();
    expect(text('ask')).toBe(''); // the ask is gone once the turn resumed
    expect(text('answer')).toBe('Cancelled.');
    server.verify();
  });

  it('after verifyOtp re-sent the message, Approve answers the new turn: its context follows the turn whose ask is shown', async () => {
    const { fixture, server, root, text } = setUp();
    fixture.componentInstance.send('Pay invoice 7', '123456');
    server.expectRequest('create_conversation_session').respond();
    server.expectTurn('Pay invoice 7').accept().requireOtp('pay_invoice').respond('I need to verify your identity first.');
    server.expectVerifyOtp({ code: '123456' }).verified();
    const resent = server.expectTurn('Pay invoice 7');
    resent.accept().requireConfirmation('pay_invoice', { actionDescription: 'Pay invoice 7' });
    await fixture.whenStable();
    expect(text('ask')).toBe('Pay invoice 7');
    expect(fixture.componentInstance.turn()?.context()?.requestId).toBe(resent.requestId);

    root.find('button', 'Approve').dispatch('click');
    server.expectConfirm({ approved: true }).ack();
    resent.toolResult('pay_invoice', { ok: true }).respond('Paid.');
    await fixture.whenStable();
    expect(fixture.componentInstance.refusals).toEqual([]);
    expect(text('ask')).toBe('');
    expect(text('answer')).toBe('Paid.');
    expect(text('done')).toBe('done');
    server.verify();
  });

  describe.each([
    ['answers the cancel with cancelled', (server: SmoothTestingController) => server.expectCancel().confirm()],
    // (No "eventual_response won the race" here: a parked turn ends only by cancelled or error until
    // its answer, as a real server keeps it parked; the testing controller refuses anything else.)
    ['does not answer at all', (server: SmoothTestingController) => server.expectCancel()],
  ])('Stop while a write waits for approval, and the server %s', (_how, answer: (server: SmoothTestingController, turn: TestTurn) => unknown) => {
    it('the signals say the turn is over: done, no pending ask, the Approve button and the spinner gone', async () => {
      const { fixture, server, root, text } = setUp();
      fixture.componentInstance.send('Cancel order 42');
      server.expectRequest('create_conversation_session').respond();
      const turn = server.expectTurn('Cancel order 42');
      turn.accept().token('Let me').requireConfirmation('cancel_order', { actionDescription: 'Cancel order 42' });
      await fixture.whenStable();
      expect(text('busy')).toBe('busy');

      root.find('button', 'Stop').dispatch('click');
      answer(server, turn);
      await fixture.whenStable();
      const signals = fixture.componentInstance.turn();
      expect(signals?.done()).toBe(true);
      expect(signals?.pending()).toBeUndefined();
      expect(signals?.transcript()).toMatchObject({ status: 'cancelled', pending: undefined, answer: 'Let me' });
      expect(signals?.error()).toBeUndefined();
      expect(text('ask')).toBe('');
      expect(text('busy')).toBe('');
      server.verify({ allowOpenTurns: true }); // the one cancel was sent and is all that was
      fixture.destroy();
    });
  });

  it('destroying the component closes its session: the running turn is cancelled, once', async () => {
    const { fixture, server } = setUp();
    const session = fixture.componentInstance.session;
    fixture.componentInstance.send('Tell me a long story');
    server.expectRequest('create_conversation_session').respond();
    const turn = server.expectTurn('Tell me a long story');
    turn.accept().token('Once upon');
    await fixture.whenStable();

    fixture.destroy();
    server.expectCancel({ sessionId: 'session-1' }).confirm();
    expect(server.match('cancel')).toEqual([]); // exactly one cancel
    expect(turn.ending).toBe('stopped');
    await expect(firstValueFrom(session.turn('again'))).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    server.verify();
  });

  it('on the server platform nothing connects: the turn stays silent, the state idle', async () => {
    const { fixture, server, text } = setUp([{ provide: PLATFORM_ID, useValue: 'server' }]);
    fixture.componentInstance.send('Where is my order?');
    await fixture.whenStable();
    expect(server.connections).toHaveLength(0);
    expect(server.sent).toEqual([]);
    expect(text('status')).toBe('idle');
    expect(text('answer')).toBe('');
    expect(fixture.componentInstance.turn()?.done()).toBe(false); // NEVER: no completion, no error
    server.verify();
  });

  it('a turn lost with its socket: turnSignals holds the error (the template keeps rendering), done', async () => {
    const { fixture, server, text } = setUp();
    fixture.componentInstance.send('hi');
    server.expectRequest('create_conversation_session').respond();
    server.expectTurn('hi').accept().token('Hel');
    await fixture.whenStable();
    server.drop();
    await fixture.whenStable();
    const turn = fixture.componentInstance.turn();
    expect(turn?.error()).toMatchObject({ name: 'SmoothConnectionLostError', retryable: true });
    expect(turn?.done()).toBe(true);
    expect(text('answer')).toBe('Hel');
    fixture.destroy();
  });

  // A turn that errored while a write waited for approval is over: pending() is undefined (no Approve/Deny left on screen for a turn nobody can answer), as after stop().
  it('a turn lost while a write waits for approval: done, and no pending ask left to answer', async () => {
    const { fixture, server, text } = setUp();
    fixture.componentInstance.send('Cancel order 42');
    server.expectRequest('create_conversation_session').respond();
    server.expectTurn('Cancel order 42').accept().requireConfirmation('cancel_order', { actionDescription: 'Cancel order 42' });
    await fixture.whenStable();
    expect(text('ask')).toBe('Cancel order 42');
    server.drop();
    await fixture.whenStable();
    const turn = fixture.componentInstance.turn();
    expect(turn?.error()).toMatchObject({ name: 'SmoothConnectionLostError' });
    expect(turn?.done()).toBe(true);
    expect(turn?.pending()).toBeUndefined();
    expect(text('ask')).toBe('');
    fixture.destroy();
  });

  it('shows the connection state: open, then reconnecting after a drop', async () => {
    const { fixture, server, text } = setUp();
    fixture.componentInstance.send('hi');
    server.expectRequest('create_conversation_session').respond();
    server.expectTurn('hi').accept().respond('hello');
    await fixture.whenStable();
    expect(text('status')).toBe('open');
    server.drop(); // the session handle keeps the connection: the client reconnects
    await fixture.whenStable();
    expect(text('status')).toBe('reconnecting');
    fixture.destroy();
  });
});

describe('the client and its environment injector', () => {
  it('is one client per environment injector, closed (code 1000) when that injector is destroyed', async () => {
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection()] });
    const parent = TestBed.inject(EnvironmentInjector);
    const child = createEnvironmentInjector([provideSmoothOperatorTesting()], parent);
    const client = child.runInContext(() => injectSmoothClient());
    expect(child.get(SMOOTH_CLIENT)).toBe(client);
    const server = child.get(SmoothTestingController);
    const states: Array<ConnectionState['status']> = [];
    client.state$.subscribe((state) => states.push(state.status));
    const pong = firstValueFrom(client.ping());
    server.expectRequest('ping').respond();
    await pong;
    const socket = server.socket;

    child.destroy();
    expect(states.at(-1)).toBe('closed');
    expect(socket.clientClose?.code).toBe(1000);
    const other = createEnvironmentInjector([provideSmoothOperatorTesting()], parent);
    expect(other.get(SMOOTH_CLIENT)).not.toBe(client);
    other.destroy();
  });

  it('takes its options from provideSmoothOperator(config), a function run in the injection context', () => {
    let ran = 0;
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideSmoothOperator(() => {
          ran++;
          return { url: `ws://${TestBed.inject(PLATFORM_ID) as string}.test/ws`, turnTimeoutMs: 0 };
        }),
        provideSmoothOperatorTesting(),
      ],
    });
    const client = TestBed.runInInjectionContext(() => injectSmoothClient());
    client.ping().subscribe({ error: () => undefined });
    expect(TestBed.inject(SmoothTestingController).socket.url).toBe('ws://browser.test/ws');
    expect(TestBed.inject(SMOOTH_CLIENT)).toBe(client);
    expect(ran).toBe(1);
  });

  it("runs url and token functions in that injector's injection context, on every connection attempt", async () => {
    const HOST = new InjectionToken<string>('HOST');
    const AUTH = new InjectionToken<() => string>('AUTH');
    let issued = 0;
    const environment = createEnvironmentInjector(
      [
        { provide: HOST, useValue: 'child.test' },
        { provide: AUTH, useValue: () => `t${++issued}` },
        provideSmoothOperator(() => ({ url: () => `ws://${inject(HOST)}/ws`, token: () => of(inject(AUTH)()), retryBaseDelayMs: 0 })),
        provideSmoothOperatorTesting(),
      ],
      TestBed.inject(EnvironmentInjector),
    );
    const client = environment.get(SMOOTH_CLIENT);
    const server = environment.get(SmoothTestingController);
    // A session handle keeps the connection up, so the client reconnects after the drop.
    client.session({ agentId: 'support', userName: 'Alice' }).open().subscribe({ error: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 0));
    server.expectRequest('create_conversation_session').respond();
    server.drop();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.connections.map((socket) => socket.url)).toEqual(['ws://child.test/ws?token=t1', 'ws://child.test/ws?token=t2']);
    environment.destroy();
  });

  it('injectConnectionState() is one signal per client, read synchronously', () => {
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideSmoothOperatorTesting()] });
    const a = TestBed.runInInjectionContext(() => injectConnectionState());
    const b = TestBed.runInInjectionContext(() => injectConnectionState());
    expect(a).toBe(b);
    expect(a()).toEqual({ status: 'idle' });
    TestBed.inject(SMOOTH_CLIENT).ping().subscribe();
    expect(a()).toEqual({ status: 'connecting', attempt: 1 });
    TestBed.inject(SmoothTestingController).expectRequest('ping').respond();
    expect(a()).toEqual({ status: 'open' });
  });
});
