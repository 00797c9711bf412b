/**
 * In a browser, coming back online or to the page is a reason to reconnect now rather than after
 * the back-off: calls `wake` on either (not while the page is hidden). Returns the removal, or
 * `undefined` where there is no such event target (Node).
 */
export function listenForWake(wake: () => void): (() => void) | undefined {
  const target = globalThis as { addEventListener?: (type: string, listener: () => void) => void; removeEventListener?: (type: string, listener: () => void) => void; document?: { visibilityState?: string } };
  if (typeof target.addEventListener !== 'function' || typeof target.removeEventListener !== 'function') return undefined;
  const listener = (): void => {
    if (target.document?.visibilityState !== 'hidden') wake();
  };
  target.addEventListener('online', listener);
  target.addEventListener('visibilitychange', listener);
  const remove = target.removeEventListener.bind(target);
  return () => {
    remove('online', listener);
    remove('visibilitychange', listener);
  };
}
