/**
 * `injectSmoothChat()` under zone.js: the chat runs outside the Angular zone (its socket, timers
 * and render ticks never make the app unstable) and each rendered snapshot re-enters it once.
 */
import 'zone.js';
import './support/testbed.js';
import { NgZone, provideZoneChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { memoryChatStorage } from 'smooth-operator-rx';
import { SmoothTestingController, provideSmoothOperatorTesting } from 'smooth-operator-rx/angular';
import { CHAT_TEST_OPTIONS, SmoothChatComponent } from './support/smooth-chat.component.js';
import type { MemoryNode } from './support/testbed.js';

function setUp() {
  TestBed.configureTestingModule({
    providers: [provideZoneChangeDetection(), provideSmoothOperatorTesting(), { provide: CHAT_TEST_OPTIONS, useValue: { storage: memoryChatStorage(new Map()) } }],
  });
  const fixture = TestBed.createComponent(SmoothChatComponent);
  fixture.autoDetectChanges();
  const zone = TestBed.inject(NgZone);
  const server = TestBed.inject(SmoothTestingController);
  const root = fixture.nativeElement as MemoryNode;
  const text = (name: string): string[] => root.findAll((n) => n.attributes.get('class') === name).map((n) => n.textContent);
  return { fixture, zone, server, root, text, chat: fixture.componentInstance.chat };
}

describe('injectSmoothChat (zone.js)', () => {
  it('a message sent from the zone leaves it stable; each snapshot enters the zone once, with its signals already set', async () => {
    const { fixture, zone, server, text, chat } = setUp();
    expect(zone).toBeInstanceOf(NgZone);
    zone.run(() => chat.send('Where is my order?')); // as from a click handler
    expect(zone.hasPendingMacrotasks).toBe(false); // the create request's timeout is armed outside
    server.expectRequest('create_conversation_session').respond();
    const turn = server.expectTurn('Where is my order?');
    turn.accept();
    await fixture.whenStable();

    let entries = 0;
    const inZone: boolean[] = [];
    const counting = zone.onUnstable.subscribe(() => {
      entries++;
      inZone.push(NgZone.isInAngularZone());
    });
    turn.token('On its', ' way');
    counting.unsubscribe();
    expect(entries).toBe(2); // no render scheduler here (no requestAnimationFrame): one snapshot per token
    expect(inZone).toEqual([true, true]);
    await fixture.whenStable();
    expect(text('assistant')).toEqual(['On its way']);
    turn.respond('On its way.');
    await fixture.whenStable();
    expect(text('status')).toEqual(['idle']);
    server.verify();
  });

  it('with animation frames, the tokens of a frame make one zone entry, and the frame itself is scheduled outside the zone', async () => {
    const frames: Array<{ run: () => void; inZone: boolean }> = [];
    const global = globalThis as { requestAnimationFrame?: unknown; cancelAnimationFrame?: unknown };
    global.requestAnimationFrame = (callback: (time: number) => void) => frames.push({ run: () => callback(0), inZone: NgZone.isInAngularZone() });
    global.cancelAnimationFrame = () => undefined;
    try {
      const { fixture, zone, server, root, text, chat } = setUp();
      zone.run(() => chat.send('Cancel order 42'));
      server.expectRequest('create_conversation_session').respond();
      const turn = server.expectTurn('Cancel order 42');
      turn.accept().requireConfirmation('cancel_order', { actionDescription: 'Cancel order 42' });
      frames.splice(0).forEach((frame) => frame.run());
      await fixture.whenStable();
      expect(text('ask')).toEqual(['Cancel order 42']);

      zone.run(() => root.find('button', 'Approve').dispatch('click'));
      expect(zone.hasPendingMacrotasks).toBe(false);
      server.expectConfirm({ approved: true }).ack();
      let entries = 0;
      const counting = zone.onUnstable.subscribe(() => entries++);
      turn.toolResult('cancel_order', { ok: true }).token('Can', 'cel', 'led.');
      expect(entries).toBe(0);
      expect(frames.every((frame) => !frame.inZone)).toBe(true);
      frames.splice(0).forEach((frame) => frame.run());
      counting.unsubscribe();
      expect(entries).toBe(1);
      await fixture.whenStable();
      expect(text('assistant')).toEqual(['Cancelled.']);
      expect(text('ask')).toEqual([]);
      fixture.destroy();
    } finally {
      delete global.requestAnimationFrame;
      delete global.cancelAnimationFrame;
    }
  });
});
