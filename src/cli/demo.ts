/**
 * The demo conversation of `smooth-rx`: the embedded mock server's scripted model and the
 * messages that fit it.
 *
 * The mock server's script is consumed one entry per model call, in order, by each conversation
 * from its start, whatever the user writes: turn N of the demo gets the entries written for
 * message N. An answer after an ask says what the human decided (`declined`). A turn
 * whose model calls a tool consumes two entries (the call, then the answer text).
 *
 * Knowledge retrieval scores every document by the words it shares with the message and cites
 * the first documents with score 0 when nothing overlaps; the messages below share no word with
 * the documents except the last one, so only that answer cites sources (with a score above 0).
 */
import type { MockKnowledgeDocument, MockModelOutput, MockServerOptions, MockTool } from '../testing/mock-server/index.js';

/** `agentId` sent by `create_conversation_session` unless `--agent` says otherwise. */
export const DEMO_AGENT_ID = 'demo-shop';

/** The messages `--demo` sends, one per turn, in the order the script answers them. */
export const DEMO_MESSAGES: readonly string[] = [
  'Hi! What can you do?',
  'Where is my order 1001?',
  'Please cancel order 1001.',
  'Email me a cancellation confirmation.',
  "I'd like my money back.",
  'What is your returns policy?',
];

/** What `--yes` fills forms with when `--user` / `--email` are not given. */
export const DEMO_IDENTITY = { name: 'Alice Example', email: 'alice@example.com', phone: '+14155550123' } as const;

const text = (t: string, declined?: string): MockModelOutput => ({ kind: 'text', text: t, ...(declined === undefined ? {} : { declined }) });
const call = (name: string, args: Record<string, unknown>): MockModelOutput => ({ kind: 'toolCall', name, arguments: JSON.stringify(args) });

/** One entry list per demo message, concatenated into the script. */
const TURNS: readonly (readonly MockModelOutput[])[] = [
  [
    text(
      "Hi, I'm the Demo Shop assistant. I can look up your orders, cancel one (after you approve it), " +
        'take your contact details for a confirmation, and answer questions about our policies.',
    ),
  ],
  [call('lookup_order', { orderId: '1001' }), text('Order 1001 shipped on Monday by express and should reach you on Thursday before 6 pm.')],
  [
    call('cancel_order', { orderId: '1001' }),
    text('Order 1001 is cancelled and your refund of $42.00 is on its way.', 'Understood. I did not cancel order 1001: it stays as it is.'),
  ],
  [
    call('request_identity_intake', {
      fields: [
        { key: 'name', required: true, label: 'Full name' },
        { key: 'email', required: true, label: 'Email' },
      ],
      reason: 'Where should I send the cancellation confirmation?',
    }),
    text('Thanks! The cancellation confirmation is on its way to your inbox.', 'No problem: I will not send a confirmation.'),
  ],
  [
    call('request_choices', {
      questions: [
        {
          question: 'How would you like your refund?',
          header: 'Refund',
          options: [
            { label: 'Original card', description: 'back on your card in 3-5 business days' },
            { label: 'Store credit', description: 'instant, with a 10% bonus' },
          ],
        },
      ],
      reason: 'Refunds can go back to the card or become store credit.',
    }),
    text('Noted: your refund of $42.00 is being processed the way you chose.', 'All right: tell me whenever you want to choose how to get your refund.'),
  ],
  [
    text(
      'Unworn items can be returned within 30 days of delivery, and refunds go back to your original payment method. ' +
        'Standard delivery takes 3 to 5 business days.',
    ),
  ],
];

/** One round of the demo: the model outputs for {@link DEMO_MESSAGES}, in order. */
export const DEMO_SCRIPT: readonly MockModelOutput[] = TURNS.flat();

/**
 * Rounds of the script the demo server is given: the mock server's script is a finite list, and
 * an exhausted one answers empty text; this many rounds start over after the last message for
 * longer than anyone keeps a `serve` running.
 */
const DEMO_ROUNDS = 1000;

/**
 * Default pause (ms) before each frame of a demo turn: slow enough to watch the answer stream
 * (and to try Ctrl-C), fast enough for `chat --demo --yes` to finish in a few seconds.
 */
export const DEMO_DELAY_MS = 90;

export const DEMO_TOOLS: readonly MockTool[] = [
  {
    name: 'lookup_order',
    description: 'Looks up an order by id',
    parameters: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
    result: (args) => `Order ${String(args.orderId)}: shipped Monday (express), arriving Thursday.`,
  },
  {
    name: 'cancel_order',
    description: 'Cancels an order and refunds it',
    parameters: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
    result: (args) => `Order ${String(args.orderId)} cancelled; refund of $42.00 issued.`,
  },
];

export const DEMO_KNOWLEDGE: readonly MockKnowledgeDocument[] = [
  {
    source: 'https://shop.example.com/policies/returns',
    content: 'Returns policy: unworn items are returnable within 30 days of delivery and refunded to your original payment method.',
  },
  {
    source: 'https://shop.example.com/policies/shipping',
    content: 'Shipping policy: standard delivery takes 3 to 5 business days; express delivery takes 1 business day.',
  },
];

/** Options of the embedded mock server that plays the demo agent (its script starts over after the last message). */
export function demoServerOptions(overrides: MockServerOptions = {}): MockServerOptions {
  return {
    agentName: 'Demo Shop assistant',
    script: Array.from({ length: DEMO_ROUNDS }, () => DEMO_SCRIPT).flat(),
    tools: DEMO_TOOLS,
    confirmTools: ['cancel_order'],
    knowledge: DEMO_KNOWLEDGE,
    tokenDelayMs: DEMO_DELAY_MS,
    ...overrides,
  };
}
