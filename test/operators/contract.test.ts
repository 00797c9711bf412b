/**
 * rxjs's operator contract, for every operator `smooth-operator-rx/operators` exports: the
 * source's error and completion pass on, a throw in the operator's own handling errors the stream
 * (and stops the source), and unsubscribing tears down the source and the operator's inner
 * subscriptions (a human's dialog, a code prompt). The cases are keyed by the entry's exports: an
 * operator exported without a case fails here (and does not compile).
 */
import { EMPTY, Observable, concat, config, of, throwError, type OperatorFunction, type Subscription } from 'rxjs';
import * as operators from '../../operators/index.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { RID, ack, boundTo, eventualResponse, fakeTurn, interactionRequired, otpVerificationRequired, token, writeConfirmation } from '../fixtures/events.js';

/** Exports of the entry that are not operators. */
const NOT_OPERATORS = ['finalResponseOf', 'ConfirmDecisionTimeoutError'] as const;
type OperatorName = Exclude<keyof typeof operators, (typeof NOT_OPERATORS)[number]>;

interface Case {
  /** The operator; its user callbacks (if any) answer with `inner$`. */
  readonly make: (inner$: Observable<never>) => OperatorFunction<TurnEvent, unknown>;
  /** Events after which the operator holds an inner subscription to `inner$` (none: it has no user callback). */
  readonly toInner?: readonly TurnEvent[];
  /** Whether the source completes after `toInner` (verifyOtp asks for a code once the turn has ended). */
  readonly completesFirst?: boolean;
}

const turn = fakeTurn('Pay my invoice');
const ev = boundTo(turn, {
  a: ack(RID),
  t: token(RID, 'Hel'),
  e: eventualResponse(RID, ['Hello']),
  w: writeConfirmation(RID, 'pay_invoice'),
  i: interactionRequired(RID),
  q: otpVerificationRequired(RID, 'pay_invoice'),
});

const cases: { readonly [K in OperatorName]: Case } = {
  ofType: { make: () => operators.ofType<TurnEvent, 'stream_token'>('stream_token') },
  tokens: { make: () => operators.tokens() },
  text: { make: () => operators.text() },
  reasoning: { make: () => operators.reasoning() },
  preamble: { make: () => operators.preamble() },
  toolActivity: { make: () => operators.toolActivity() },
  finalResponse: { make: () => operators.finalResponse() },
  citations: { make: () => operators.citations() },
  usage: { make: () => operators.usage() },
  transcript: { make: () => operators.transcript() },
  confirmWrites: { make: (inner$) => operators.confirmWrites(() => inner$), toInner: [ev.a, ev.w] },
  answerInteractions: { make: (inner$) => operators.answerInteractions({ identity_intake: () => inner$ }), toInner: [ev.a, ev.i] },
  verifyOtp: { make: (inner$) => operators.verifyOtp(() => inner$), toInner: [ev.a, ev.q, ev.e], completesFirst: true },
};

/** A source emitting `events` synchronously, then completing or not; counts what it emitted and its teardowns. */
function source(events: readonly TurnEvent[], end: 'complete' | 'open' = 'open') {
  const counts = { subscribed: 0, emitted: 0, unsubscribed: 0 };
  const source$ = new Observable<TurnEvent>((subscriber) => {
    counts.subscribed++;
    for (const event of events) {
      if (subscriber.closed) break;
      counts.emitted++;
      subscriber.next(event);
    }
    if (end === 'complete') subscriber.complete();
    return () => counts.unsubscribed++;
  });
  return { source$, counts };
}

/** What a stream did. */
function watch(result$: Observable<unknown>) {
  const seen = { values: 0, error: undefined as unknown, completed: false };
  const subscription: Subscription = result$.subscribe({
    next: () => seen.values++,
    error: (err: unknown) => (seen.error = err),
    complete: () => (seen.completed = true),
  });
  return { seen, subscription };
}

/** An event whose `type` cannot be read: every operator reads it, so its own handling throws. */
const BROKEN = new Error('broken event');
const poison = (): TurnEvent =>
  ({
    requestId: 'r-msg',
    get type(): never {
      throw BROKEN;
    },
  }) as unknown as TurnEvent;

it('every exported operator has a case', () => {
  const exported = Object.keys(operators).filter((name) => !(NOT_OPERATORS as readonly string[]).includes(name));
  expect(exported.sort()).toEqual(Object.keys(cases).sort());
  for (const name of exported) expect(typeof (operators as Record<string, unknown>)[name]).toBe('function');
});

describe.each(Object.entries(cases) as Array<[OperatorName, Case]>)('%s', (_name, { make, toInner, completesFirst }) => {
  it("passes the source's error on", () => {
    const boom = new Error('connection lost');
    const { seen } = watch(concat(of(ev.a, ev.t), throwError(() => boom)).pipe(make(EMPTY)));
    expect(seen.error).toBe(boom);
    expect(seen.completed).toBe(false);
  });

  it("passes the source's completion on", () => {
    const { seen } = watch(of(ev.a, ev.t, ev.e).pipe(make(EMPTY)));
    expect(seen.completed).toBe(true);
    expect(seen.error).toBeUndefined();
  });

  it('its own throw errors the stream (not the unhandled-error hook) and stops the source', async () => {
    const unhandled: unknown[] = [];
    const previous = config.onUnhandledError;
    config.onUnhandledError = (err) => unhandled.push(err);
    try {
      const { source$, counts } = source([ev.a, poison(), ev.t, ev.e], 'complete');
      const { seen } = watch(source$.pipe(make(EMPTY)));
      expect(seen.error).toBe(BROKEN);
      expect(seen.completed).toBe(false);
      expect(counts).toEqual({ subscribed: 1, emitted: 2, unsubscribed: 1 });
      await new Promise((resolve) => setTimeout(resolve, 0)); // rxjs reports unhandled errors on a timer
      expect(unhandled).toEqual([]);
    } finally {
      config.onUnhandledError = previous;
    }
  });

  it('unsubscribing tears down the source and the inner subscriptions', () => {
    const inner = { subscribed: 0, unsubscribed: 0 };
    const inner$ = new Observable<never>(() => {
      inner.subscribed++;
      return () => inner.unsubscribed++;
    });
    const { source$, counts } = source(toInner ?? [ev.a, ev.t], completesFirst ? 'complete' : 'open');
    const { seen, subscription } = watch(source$.pipe(make(inner$)));
    expect(seen.error).toBeUndefined();
    expect(inner).toEqual({ subscribed: toInner === undefined ? 0 : 1, unsubscribed: 0 });

    subscription.unsubscribe();
    expect(counts.unsubscribed).toBe(1);
    expect(inner.unsubscribed).toBe(inner.subscribed);
    expect(seen.completed).toBe(false);
  });
});

// rxjs ignores a falsy teardown (`Subscription.add` skips it): a source written in JS, or cast,
// may return `false`/`0`/`''` from its subscribe function (`return ready && cleanup`). The
// operators built on operate()'s subscriber keep any non-Subscription teardown in a field and
// call `.unsubscribe()` on it, so unsubscribing throws an UnsubscriptionError (rxjs's own
// operators, and these before the field, do not).
it("a falsy teardown returned by the source is ignored, as rxjs ignores it (operate()'s subscriber)", () => {
  const viaOperate: Array<[string, OperatorFunction<TurnEvent, unknown>]> = [
    ['text', operators.text()],
    ['reasoning', operators.reasoning()],
    ['preamble', operators.preamble()],
    ['confirmWrites', operators.confirmWrites(() => EMPTY)],
  ];
  const thrown: string[] = [];
  for (const [name, op] of viaOperate) {
    for (const falsy of [false, 0, '']) {
      const source$ = new Observable<TurnEvent>((subscriber) => {
        subscriber.next(ev.a);
        subscriber.next(ev.t);
        return falsy as unknown as () => void;
      });
      const subscription = source$.pipe(op).subscribe();
      try {
        subscription.unsubscribe();
      } catch (err) {
        thrown.push(`${name} ${JSON.stringify(falsy)}: ${(err as Error).name}`);
      }
    }
  }
  expect(thrown).toEqual([]);
});
