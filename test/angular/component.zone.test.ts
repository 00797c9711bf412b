/**
 * The same component with zone.js: what the app receives re-enters the Angular zone (one
 * `zone.run` per emission), while the client's sockets and timers stay outside it, so a running
 * turn never keeps the app unstable and frames do not each trigger change detection by themselves.
 */
import 'zone.js';
import './support/testbed.js';
import { NgZone, provideZoneChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { SMOOTH_CLIENT, SmoothTestingController, provideSmoothOperatorTesting } from 'smooth-operator-rx/angular';
import { ChatComponent } from './support/chat.component.js';
import type { MemoryNode } from './support/testbed.js';

function setUp() {
  TestBed.configureTestingModule({ providers: [provideZoneChangeDetection(), provideSmoothOperatorTesting()] });
  const fixture = TestBed.createComponent(ChatComponent);
  fixture.autoDetectChanges();
  const zone = TestBed.inject(NgZone);
  const server = TestBed.inject(SmoothTestingController);
  const root = fixture.nativeElement as MemoryNode;
  const text = (name: string): string => root.findAll((n) => n.attributes.get('class') === name).map((n) => n.textContent).join('');
  return { fixture, zone, server, root, text };
}

describe('a component on smooth-operator-rx/angular (zone.js)', () => {
  it('streams into the template; emissions arrive inside the zone, one zone entry each', async () => {
    const { fixture, zone, server, text } = setUp();
    expect(zone).toBeInstanceOf(NgZone);
    zone.run(() => fixture.componentInstance.send('Where is my order?')); // as from a click handler
    server.expectRequest('create_conversation_session').respond();
    const turn = server.expectTurn('Where is my order?');
    turn.accept();
    await fixture.whenStable();

    const inZone: boolean[] = [];
    const probe = TestBed.inject(SMOOTH_CLIENT).state$.subscribe(() => inZone.push(NgZone.isInAngularZone()));
    let entries = 0;
    const counting = zone.onUnstable.subscribe(() => entries++);
    turn.token('On its', ' way');
    counting.unsubscribe();
    probe.unsubscribe();
    expect(entries).toBe(2); // one per token
    expect(inZone).toEqual([true]); // the replayed state, delivered in the zone
    await fixture.whenStable();
    expect(text('answer')).toBe('On its way');
    turn.respond('On its way.');
    await fixture.whenStable();
    expect(text('done')).toBe('done');
    server.verify();
  });

  it('keeps the client timers outside the zone: a running or parked turn started from the zone leaves it stable', async () => {
    const { fixture, zone, server, root, text } = setUp();
    zone.run(() => fixture.componentInstance.send('Cancel order 42'));
    // The create request's timeout (30 s) is armed now: outside the zone.
    expect(zone.hasPendingMacrotasks).toBe(false);
    server.expectRequest('create_conversation_session').respond();
    const turn = server.expectTurn('Cancel order 42');
    turn.accept().requireConfirmation('cancel_order', { actionDescription: 'Cancel order 42' });
    await fixture.whenStable();
    expect(text('ask')).toBe('Cancel order 42');

    // Approve, from the zone as a click would: the confirm's request timeout and the turn's
    // re-armed inactivity timeout are scheduled, outside the zone.
    zone.run(() => root.find('button', 'Approve').dispatch('click'));
    expect(zone.hasPendingMacrotasks).toBe(false);
    server.expectConfirm({ approved: true }).ack();
    turn.respond('Cancelled.');
    await fixture.whenStable();
    expect(text('answer')).toBe('Cancelled.');
    server.verify();
  });

  it('Stop from the zone, the server silent: the spinner and the Approve button go at once', async () => {
    const { fixture, zone, server, root, text } = setUp();
    zone.run(() => fixture.componentInstance.send('Cancel order 42'));
    server.expectRequest('create_conversation_session').respond();
    server.expectTurn('Cancel order 42').accept().requireConfirmation('cancel_order', { actionDescription: 'Cancel order 42' });
    await fixture.whenStable();
    expect(text('busy')).toBe('busy');

    zone.run(() => root.find('button', 'Stop').dispatch('click'));
    server.expectCancel(); // no answer at all
    await fixture.whenStable();
    expect(text('busy')).toBe('');
    expect(text('ask')).toBe('');
    expect(fixture.componentInstance.turn()?.done()).toBe(true);
    server.verify({ allowOpenTurns: true });
  });
});
