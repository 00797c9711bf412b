import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { ClientAction, ImmediateResponseEvent, ServerEvent } from '../generated/types.js';
import { isAnswer } from '../turn/rules.js';
import { SmoothInvalidFrameError, SmoothProtocolError, SmoothTimeoutError } from '../errors.js';
import type { CompiledValidator } from '../validation/compiled.js';
import { validateWith, type ValidationIssue } from '../validation/validate.js';
import type { Connection } from './connection.js';

/** How a request reads its answer: a value, an invalid answer, or `undefined` (not an answer). */
export type Answer<T> = { value: T } | { invalid: readonly ValidationIssue[] } | undefined;

export interface RequestSpec<T> {
  /** The action to send under the given requestId. */
  build(requestId: string): ClientAction;
  /** Reads a (non-error) event carrying the requestId. */
  answer(event: ServerEvent): Answer<T>;
  /** Sees each answering event before the caller does (a turn's resumes forward theirs into the turn stream). */
  onAnswer?(event: ServerEvent): void;
  /** Called once the action has been handed to the socket. */
  onSent?(): void;
  timeoutMs: number;
  scheduler: SchedulerLike;
  isPing?: boolean;
  /** Safe to send twice: re-sent on the next socket if the connection is lost before the answer. */
  idempotent?: boolean;
}

/**
 * A cold Observable of one request: subscribing sends the action under a fresh requestId; it
 * emits the answer and completes, or errors with SmoothProtocolError (an `error` event),
 * SmoothInvalidFrameError, SmoothTimeoutError or SmoothConnectionError. Unsubscribing stops
 * listening (the protocol has no way to withdraw a request).
 */
export function request<T>(connection: Connection, spec: RequestSpec<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const requestId = connection.nextRequestId();
    let timer: Subscription | undefined;
    const finish = () => {
      timer?.unsubscribe();
      connection.unregister(requestId);
    };
    connection.register(
      requestId,
      {
        deliver: (event) => {
          if (event.type === 'error') {
            finish();
            return subscriber.error(new SmoothProtocolError(event));
          }
          const answer = spec.answer(event);
          if (answer === undefined) {
            return connection.report({ kind: 'unexpected-event', message: `${event.type} does not answer request ${requestId}`, event, requestId });
          }
          finish();
          if ('invalid' in answer) return subscriber.error(new SmoothInvalidFrameError(requestId, event, answer.invalid));
          spec.onAnswer?.(event);
          subscriber.next(answer.value);
          subscriber.complete();
        },
        invalid: (frame, _type, errors) => {
          finish();
          subscriber.error(new SmoothInvalidFrameError(requestId, frame, errors));
        },
        fail: (error) => {
          timer?.unsubscribe();
          subscriber.error(error);
        },
      },
      spec.isPing,
    );
    try {
      connection.send(spec.build(requestId), spec.idempotent === true);
    } catch (err) {
      finish();
      subscriber.error(err);
      return undefined;
    }
    // Failed inside send() (the attempt it started gave up at once: a URL that does not parse):
    // no timer must outlive the caller.
    if (subscriber.closed) return undefined;
    spec.onSent?.();
    if (spec.timeoutMs > 0) {
      timer = spec.scheduler.schedule(() => {
        connection.unregister(requestId);
        subscriber.error(new SmoothTimeoutError('REQUEST_TIMEOUT', requestId, spec.timeoutMs));
      }, spec.timeoutMs);
    }
    return finish;
  });
}

/**
 * Answer reader for requests answered by `immediate_response` 200 whose data must match a reply
 * schema. Any other status (a 202 acceptance) is not the answer: it is reported, and the request
 * keeps waiting.
 */
export function replyOf<T>(validator: CompiledValidator): (event: ServerEvent) => Answer<T> {
  return (event) => {
    if (!isAnswer(event)) return undefined;
    const result = validateWith<T>(validator, (event as ImmediateResponseEvent).data);
    return result.valid ? { value: result.value } : { invalid: result.errors.map((e) => ({ ...e, path: `/data${e.path}`, message: `data: ${e.message}` })) };
  };
}
