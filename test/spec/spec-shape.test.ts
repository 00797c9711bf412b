import path from 'node:path';
import { loadSpec, type JsonSchema } from '../../codegen/spec.js';

const files = loadSpec(path.join(__dirname, '..', '..', 'spec'));

/** Every object schema in a file, with its JSON Pointer. */
function objectSchemas(node: unknown, pointer: string, out: Array<[string, JsonSchema]> = []): Array<[string, JsonSchema]> {
  if (Array.isArray(node)) node.forEach((n, i) => objectSchemas(n, `${pointer}/${i}`, out));
  else if (node !== null && typeof node === 'object') {
    const schema = node as JsonSchema;
    const type = schema.type;
    if (type === 'object' || (Array.isArray(type) && type.includes('object'))) out.push([pointer, schema]);
    for (const [key, value] of Object.entries(schema)) objectSchemas(value, `${pointer}/${key}`, out);
  }
  return out;
}

describe('spec/', () => {
  it('declares draft 2020-12 in every file', () => {
    for (const f of files) expect([f.title, f.schema.$schema]).toEqual([f.title, 'https://json-schema.org/draft/2020-12/schema']);
  });

  it('gives every object a title, so generated types get real names', () => {
    const untitled = files.flatMap((f) => objectSchemas(f.schema, `${f.group}/${f.base}`).filter(([, s]) => typeof s.title !== 'string').map(([p]) => p));
    expect(untitled).toEqual([]);
  });

  it('closes every action at the top level and leaves every event open', () => {
    for (const f of files.filter((x) => x.group === 'actions')) expect([f.title, f.schema.additionalProperties]).toEqual([f.title, false]);
    for (const f of files.filter((x) => x.group === 'events')) expect([f.title, f.schema.additionalProperties]).toEqual([f.title, undefined]);
  });

  it('has one schema per message the protocol names', () => {
    expect(files.filter((f) => f.group === 'actions').map((f) => f.discriminator).sort()).toEqual(
      ['cancel', 'confirm_tool_action', 'create_conversation_session', 'get_conversation_messages', 'get_session', 'list_conversations', 'ping', 'send_message', 'submit_interaction', 'verify_otp'].sort(),
    );
    expect(files.filter((f) => f.group === 'events').map((f) => f.discriminator).sort()).toEqual(
      [
        'immediate_response', 'stream_token', 'stream_reasoning', 'stream_preamble', 'stream_chunk', 'eventual_response', 'cancelled', 'error',
        'write_confirmation_required', 'interaction_required', 'interaction_invalid', 'otp_verification_required', 'otp_sent', 'otp_verified', 'otp_invalid', 'keepalive', 'pong',
      ].sort(),
    );
  });
});
