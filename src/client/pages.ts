import { EMPTY, concat, defer, from, mergeMap, type Observable } from 'rxjs';
import type { ConversationMessage, ConversationMessagesPage } from '../generated/types.js';

/**
 * Every message of a paged history, newest first: `page(cursor)` fetches one page (the first with
 * `undefined`). The next page is fetched only once this page's messages were taken, so a consumer
 * that stops early (`take`, `first`) stops the walk without an extra request.
 */
export function walkPages(page: (cursor: string | undefined) => Observable<ConversationMessagesPage>): Observable<ConversationMessage> {
  const walk = (cursor: string | undefined): Observable<ConversationMessage> =>
    page(cursor).pipe(mergeMap((found) => concat(from(found.messages), found.hasMore && found.nextCursor ? defer(() => walk(found.nextCursor ?? undefined)) : EMPTY)));
  return walk(undefined);
}
