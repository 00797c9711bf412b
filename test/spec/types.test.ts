import { expectTypeOf } from 'expect-type';
import type {
  ClientAction,
  ClientActionOf,
  ServerEvent,
  ServerEventOf,
  StreamTokenEvent,
  ToolCall,
  ToolResult,
  WriteConfirmationRequest,
} from '../../src/generated/types.js';
import { validateEvent } from '../../src/validation/validate.js';

// These assertions are checked by `tsc` (npm test runs it first); the runtime calls only keep Jest
// aware of the file.
describe('generated types', () => {
  it('narrowing ServerEvent on type yields the exact payload type', () => {
    const narrow = (event: ServerEvent) => {
      if (event.type === 'write_confirmation_required') {
        expectTypeOf(event.data.data.toolId).toEqualTypeOf<string>();
        expectTypeOf(event.data.data).toEqualTypeOf<WriteConfirmationRequest>();
      }
      if (event.type === 'stream_token') expectTypeOf(event).toEqualTypeOf<StreamTokenEvent>();
      if (event.type === 'stream_chunk') {
        expectTypeOf(event.data.state?.rawResponse?.toolCall).toEqualTypeOf<ToolCall | undefined>();
        expectTypeOf(event.data.state?.rawResponse?.toolResult).toEqualTypeOf<ToolResult | undefined>();
      }
      if (event.type === 'eventual_response') expectTypeOf(event.data.data.response.responseParts).toEqualTypeOf<string[]>();
      if (event.type === 'error') expectTypeOf(event.data.error.code).toEqualTypeOf<string>();
      if (event.type === 'otp_invalid') expectTypeOf(event.data.data.attemptsRemaining).toEqualTypeOf<number>();
    };
    expect(typeof narrow).toBe('function');
  });

  it('the type-indexed lookups give the same interfaces as narrowing', () => {
    expectTypeOf<ServerEventOf<'stream_token'>>().toEqualTypeOf<Extract<ServerEvent, { type: 'stream_token' }>>();
    expectTypeOf<ServerEventOf<'interaction_required'>['data']['data']['interactionId']>().toEqualTypeOf<string>();
    expectTypeOf<ClientActionOf<'confirm_tool_action'>['approved']>().toEqualTypeOf<boolean>();
    expectTypeOf<ClientActionOf<'send_message'>>().toEqualTypeOf<Extract<ClientAction, { action: 'send_message' }>>();
    // @ts-expect-error: not an event type
    expectTypeOf<ServerEventOf<'stream_tokens'>>();
  });

  it('types name only known fields, so a misspelt property does not compile', () => {
    const read = (event: ServerEventOf<'stream_token'>) => {
      // @ts-expect-error: no such field
      return event.tokn;
    };
    expect(typeof read).toBe('function');
  });

  it('a valid result carries the typed event', () => {
    const result = validateEvent({ type: 'pong', timestamp: 1 });
    if (result.valid) expectTypeOf(result.value).toEqualTypeOf<ServerEvent>();
    expect(result.valid).toBe(true);
  });
});
