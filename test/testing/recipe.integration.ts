// The README's "Testing an integration" recipe, the code under test: the `#region readme:` below
// is a README block, word for word (test/testing/readme-recipe.test.ts keeps them equal). Its own
// module, so that the test blocks can import what they use as a reader's test file does.
// #region readme:integration
import type { Observable } from 'rxjs';
import type { SmoothClient } from 'smooth-operator-rx';
import { answerInteractions, confirmWrites, text } from 'smooth-operator-rx/operators';

/** The code under test: approves the writes it knows, fills the contact form from a profile. */
export function askSupport(client: SmoothClient, sessionId: string, message: string): Observable<string> {
  return client.turn({ sessionId, message }).pipe(
    confirmWrites((ask) => ['cancel_order'].includes(ask.data.data.toolId)),
    answerInteractions({
      // A plain value (or an Observable): a Promise would settle only after TestScheduler.run().
      identity_intake: () => ({ values: { email: 'ada@example.com' } }),
    }),
    text(),
  );
}
// #endregion
