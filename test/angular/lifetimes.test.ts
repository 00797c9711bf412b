/**
 * What `injectSmoothSession()`, `injectSmoothChat()` and `turnSignals()` leave behind when their injector is already
 * destroyed (a call from an async callback after the component left): Angular's `onDestroy`
 * throws, and it must do so before anything is created that nothing could then close.
 */
import './support/testbed.js';
import { Injector, provideZonelessChangeDetection, runInInjectionContext } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { SMOOTH_CLIENT, SmoothTestingController, injectSmoothChat, injectSmoothSession, provideSmoothOperatorTesting } from 'smooth-operator-rx/angular';
import { ChatComponent } from './support/chat.component.js';

describe('on a destroyed injector', () => {
  it('injectSmoothSession throws before it opens a session handle (no handle left that nothing closes)', async () => {
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideSmoothOperatorTesting()] });
    const fixture = TestBed.createComponent(ChatComponent);
    await fixture.whenStable();
    const injector = fixture.componentRef.injector.get(Injector);
    const client = TestBed.inject(SMOOTH_CLIENT);
    const server = TestBed.inject(SmoothTestingController);
    fixture.destroy();
    const session = jest.spyOn(client, 'session');

    expect(() => runInInjectionContext(injector, () => injectSmoothSession({ agentId: 'support', userName: 'Bob' }))).toThrow(/NG0911/);
    expect(session).not.toHaveBeenCalled();
    expect(server.connections).toHaveLength(0);
  });

  it('injectSmoothChat throws before it creates a chat (no session, nothing read from storage)', async () => {
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideSmoothOperatorTesting()] });
    const fixture = TestBed.createComponent(ChatComponent);
    await fixture.whenStable();
    const injector = fixture.componentRef.injector.get(Injector);
    const client = TestBed.inject(SMOOTH_CLIENT);
    const server = TestBed.inject(SmoothTestingController);
    fixture.destroy();
    const session = jest.spyOn(client, 'session');
    const storage = { get: jest.fn(() => 'conversation-7'), set: jest.fn(), remove: jest.fn() };

    expect(() => runInInjectionContext(injector, () => injectSmoothChat({ agentId: 'support', userName: 'Bob', storage }))).toThrow(/NG0911/);
    expect(session).not.toHaveBeenCalled();
    expect(storage.get).not.toHaveBeenCalled();
    expect(server.connections).toHaveLength(0);
  });
});
