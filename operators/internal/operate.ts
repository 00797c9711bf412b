import { Observable, Subscription, UnsubscriptionError, type Observer, type OperatorFunction, type Subscriber, type TeardownLogic, type Unsubscribable } from 'rxjs';

/** @internal How an operator handles its source. What is left out passes on to the operator's subscriber. */
export interface SourceHandlers<T> {
  next(value: T): void;
  error?(err: unknown): void;
  complete?(): void;
}

/** @internal The subscriber an operator's events go to: where a throw in the handling goes, too. */
type Destination = Pick<Subscriber<never>, 'error' | 'complete' | 'add'>;

/** A subclass's: it handles values itself, and passes the error and completion on. */
const NO_HANDLERS: Partial<SourceHandlers<never>> = {};

/**
 * The source's subscriber, in the shape rxjs's own operators give theirs: a throw while handling
 * a value errors the destination (an observer rxjs wraps itself would send it to the
 * unhandled-error hook, and the stream would complete as if nothing happened), and nothing is
 * handled after the end. Being a Subscription, rxjs hands it to the source as it is, so a
 * synchronous source sees it closed as soon as the destination is and stops emitting.
 *
 * An operator whose state is small can subclass it and keep that state in its own fields
 * (`handle` instead of handlers): one object per subscription instead of the subscriber, a
 * handlers object, a closure and its context.
 */
export class OperatorSubscriber<T> extends Subscription implements Observer<T> {
  private stopped = false;
  /** Called the same way per value whichever it is: the handlers' `next`, or the subclass's `handle`. */
  private readonly onNext: (this: OperatorSubscriber<T>, value: T) => void;

  constructor(
    private readonly destination: Destination,
    private readonly handlers: Partial<SourceHandlers<T>> = NO_HANDLERS,
  ) {
    super();
    this.onNext = handlers.next ?? this.handle;
  }

  /** A subclass's handling of a value, when it passes no `next` handler. */
  protected handle(_value: T): void {
    // Overridden by subclasses that handle values themselves.
  }

  next(value: T): void {
    if (this.stopped) return;
    try {
      this.onNext(value);
    } catch (err) {
      this.destination.error(err);
    }
  }

  error(err: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      if (this.handlers.error === undefined) this.destination.error(err);
      else this.handlers.error(err);
    } catch (thrown) {
      this.destination.error(thrown);
    } finally {
      this.unsubscribe();
    }
  }

  complete(): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      if (this.handlers.complete === undefined) this.destination.complete();
      else this.handlers.complete();
    } catch (thrown) {
      this.destination.error(thrown);
    } finally {
      this.unsubscribe();
    }
  }

  /**
   * What the source returned to tear it down (the turn itself, for a client's turn), when it is
   * not a Subscription: kept in a field. rxjs keeps teardowns in an array whose first push
   * reserves 17 slots, 160 bytes per subscriber for the one teardown most of them ever get.
   */
  private sourceTeardown: Unsubscribable | (() => void) | undefined;

  override add(teardown: TeardownLogic): void {
    // Falsy teardowns (a source's `return ready && stop`) are nothing, as rxjs's own add() treats them.
    if (!teardown) return;
    if (this.sourceTeardown !== undefined || this.closed || teardown instanceof Subscription) return super.add(teardown);
    this.sourceTeardown = teardown;
  }

  override remove(teardown: Exclude<TeardownLogic, void>): void {
    if (teardown === this.sourceTeardown) this.sourceTeardown = undefined;
    else super.remove(teardown);
  }

  override unsubscribe(): void {
    this.stopped = true;
    if (this.closed) return;
    const teardown = this.sourceTeardown;
    this.sourceTeardown = undefined;
    try {
      super.unsubscribe();
    } finally {
      // After the other teardowns (rxjs runs the first added first): the source's teardown only
      // stops its own work, whatever else the subscriber holds. A throw there is reported as rxjs would.
      if (teardown !== undefined) runTeardown(teardown);
    }
  }
}

function runTeardown(teardown: Unsubscribable | (() => void)): void {
  try {
    if (typeof teardown === 'function') teardown();
    else teardown.unsubscribe();
  } catch (err) {
    throw new UnsubscriptionError([err]);
  }
}

/**
 * @internal Subscribes to `source` for an operator whose events go to `destination`: a throw in
 * `handlers` errors `destination`; an error or completion the handlers leave out is passed on. The
 * subscription is added to `owner` (by default the destination, so it ends with the stream).
 */
export function subscribeFor<T>(
  source: Observable<T>,
  destination: Destination,
  handlers: SourceHandlers<T>,
  owner: Pick<Subscription, 'add'> = destination,
): Subscription {
  return subscribeWith(source, new OperatorSubscriber(destination, handlers), owner);
}

/** @internal {@link subscribeFor} with a subscriber made by the caller (a subclass keeping its own state). */
export function subscribeWith<T>(source: Observable<T>, subscriber: OperatorSubscriber<T>, owner: Pick<Subscription, 'add'>): Subscription {
  // Added before subscribing: a destination closed by a synchronous source closes it at once.
  owner.add(subscriber);
  source.subscribe(subscriber);
  return subscriber;
}

/**
 * @internal An operator with rxjs's own contract (what `operate()` and an operator subscriber
 * give rxjs's operators), for operators that keep state per subscription:
 * - `init` runs at each subscription, with the operator's subscriber (a throw there errors the
 *   stream, like `defer`); it returns the handling of the source's events;
 * - a throw while handling an event errors the stream and unsubscribes the source;
 * - the source's error and completion pass on, unless handled;
 * - unsubscribing tears down the source and everything added to the subscriber (e.g. the inner
 *   subscriptions of `subscribeFor`).
 *
 * An operator that emits and then does more work checks `subscriber.closed` after its `next`:
 * the consumer may have left on that value (`take(1)`, `takeWhile`).
 */
export function operate<T, R>(init: (subscriber: Subscriber<R>) => SourceHandlers<T>): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      subscribeFor(source, subscriber, init(subscriber), subscriber);
    });
}
