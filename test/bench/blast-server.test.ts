/**
 * The bench's pieces are correct (never its speed): the blast server's frames are valid protocol
 * frames, every contender sees every event the server sends, and a contender that does not is
 * rejected instead of reporting a fast number.
 */
import WebSocket from 'ws';
import { validateEvent } from '../../src/index.js';
import { BenchIntegrityError, checkTally, clientEvents, clientText, contenders, floor, type Contender } from '../../bench/contenders.js';
import { answerText, blastFrame, cancelledText, escapeId, pacedTokenFrame, pongText, sessionText, tokensOf } from '../../bench/frames.js';
import { startBlastChild, type BlastChild } from '../../bench/server-process.js';

jest.setTimeout(60_000);

const parse = (text: string): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>;

describe('blast frames', () => {
  const requestId = 'r"1\\é';
  const events = 12;
  const frames = Array.from({ length: events }, (_, i) => parse(blastFrame(escapeId(requestId), events, i)));

  it('validate, carry the requestId and come in a turn order: 202, tool call and result, tokens, eventual_response', () => {
    for (const frame of frames) {
      const result = validateEvent(frame);
      expect(result.valid ? [] : result).toEqual([]);
      expect(frame['requestId']).toBe(requestId);
    }
    expect(frames.map((f) => f['type'])).toEqual(['immediate_response', 'stream_chunk', 'stream_chunk', ...Array<string>(tokensOf(events)).fill('stream_token'), 'eventual_response']);
    expect(frames[0]).toMatchObject({ status: 202 });
    expect(frames[1]).toMatchObject({ data: { state: { rawResponse: { toolCall: { name: 'lookup_order' } } } } });
    expect(frames[2]).toMatchObject({ data: { state: { rawResponse: { toolResult: { name: 'lookup_order' } } } } });
  });

  it('end with the joined tokens as the answer, so text() can be checked against it', () => {
    const streamed = frames.filter((f) => f['type'] === 'stream_token').map((f) => f['token'] as string).join('');
    expect(streamed).toBe(answerText(tokensOf(events)));
    expect(frames[events - 1]).toMatchObject({ data: { data: { response: { responseParts: [streamed] } } } });
  });

  it('paced tokens, cancelled, session and pong frames validate too', () => {
    const paced = parse(pacedTokenFrame(requestId, 3));
    expect(typeof paced['sentAtUs']).toBe('number');
    for (const text of [pacedTokenFrame(requestId, 3), cancelledText(escapeId(requestId)), sessionText('r-s', 's-1'), pongText('r-p')]) {
      expect(validateEvent(parse(text)).valid).toBe(true);
    }
  });
});

const cases: ReadonlyArray<readonly [string, Contender]> = contenders.map((c) => [c.name, c] as const);

describe('against the blast server in its child process', () => {
  let server: BlastChild;
  beforeAll(async () => {
    server = await startBlastChild();
  });
  afterAll(() => server.close());

  it.each(cases)('%s counts every event of sequential and concurrent turns', async (_, contender) => {
    const endpoint = await contender.open(server.url, { sessions: 3 });
    const spec = { mode: 'blast', events: 700 } as const;
    expect(checkTally(contender, spec, await endpoint.turn(spec).done)).toBe(700);
    const tallies = await Promise.all([0, 1, 2].map((session) => endpoint.turn(spec, { session }).done));
    expect(tallies.map((tally) => checkTally(contender, spec, tally))).toEqual([700, 700, 700]);
    endpoint.close();
  });

  it.each(cases.filter(([, c]) => c.measuresLatency !== false))('%s measures a delay for every paced token', async (_, contender) => {
    const endpoint = await contender.open(server.url, { sessions: 1 });
    const latencies: number[] = [];
    const spec = { mode: 'paced', events: 24 } as const;
    checkTally(contender, spec, await endpoint.turn(spec, { latencies }).done);
    expect(latencies).toHaveLength(tokensOf(24));
    // Sender and receiver read the same monotonic clock: a delay is positive and well under a second.
    for (const delay of latencies) expect(delay > 0 && delay < 1_000_000).toBe(true);
    endpoint.close();
  });

  it('a contender that cannot time tokens reports no delay rather than a made-up one', async () => {
    const blind = contenders.filter((c) => c.measuresLatency === false);
    expect(blind.map((c) => c.name)).toEqual(['client-chat']);
    for (const contender of blind) {
      const endpoint = await contender.open(server.url, { sessions: 1 });
      const latencies: number[] = [];
      checkTally(contender, { mode: 'paced', events: 24 }, await endpoint.turn({ mode: 'paced', events: 24 }, { latencies }).done);
      expect(latencies).toEqual([]);
      endpoint.close();
    }
  });

  it.each(cases)('%s holds a turn open until stopped', async (_, contender) => {
    const endpoint = await contender.open(server.url, { sessions: 1 });
    const turn = endpoint.turn({ mode: 'hold', events: 100 });
    await turn.started;
    turn.stop();
    expect(await turn.done).toMatchObject({ stopped: true });
    endpoint.close();
  });

  it('streams a big turn intact to a reader that stops reading for a while (back-pressure, no loss)', async () => {
    const socket = new WebSocket(server.url);
    await new Promise((resolve) => socket.once('open', resolve));
    const types: string[] = [];
    const ended = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        const frame = parse(String(data));
        if (frame['requestId'] === 'big') types.push(frame['type'] as string);
        if (frame['type'] === 'eventual_response') resolve();
      }),
    );
    socket.send(JSON.stringify({ action: 'send_message', requestId: 'big', sessionId: 's', message: JSON.stringify({ mode: 'blast', events: 30_000 }) }));
    socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.resume();
    await ended;
    expect(types).toHaveLength(30_000);
    expect(types.filter((t) => t === 'stream_token')).toHaveLength(tokensOf(30_000));
    socket.close();
  });

  it('answers ping and cancel mid-blast', async () => {
    const socket = new WebSocket(server.url);
    await new Promise((resolve) => socket.once('open', resolve));
    const seen: Record<string, unknown>[] = [];
    const got = (type: string): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => (seen.some((f) => f['type'] === type) ? resolve() : void setTimeout(check, 5));
        check();
      });
    socket.on('message', (data) => seen.push(parse(String(data))));
    socket.send(JSON.stringify({ action: 'send_message', requestId: 't', sessionId: 's', message: JSON.stringify({ mode: 'blast', events: 1_000_000 }) }));
    socket.send(JSON.stringify({ action: 'ping', requestId: 'p' }));
    await got('pong');
    socket.send(JSON.stringify({ action: 'cancel', requestId: 't', sessionId: 's' }));
    await got('cancelled');
    expect(seen.find((f) => f['type'] === 'cancelled')).toMatchObject({ requestId: 't', status: 499 });
    expect(seen.some((f) => f['type'] === 'eventual_response')).toBe(false);
    socket.close();
  });
});

describe('checkTally', () => {
  const spec = { mode: 'blast', events: 10 } as const;
  const answer = answerText(tokensOf(10));

  it('accepts exact tallies', () => {
    expect(checkTally(floor, spec, { seen: 10, stopped: false })).toBe(10);
    expect(checkTally(clientText, spec, { seen: tokensOf(10), answer, stopped: false })).toBe(10);
  });

  it.each<[string, Contender, { seen: number; answer?: string }]>([
    ['an event short', clientEvents, { seen: 9 }],
    ['an event too many', floor, { seen: 11 }],
    ['a text() emission short', clientText, { seen: tokensOf(10) - 1, answer }],
    ['a wrong answer', clientText, { seen: tokensOf(10), answer: answer.slice(1) }],
  ])('rejects a contender %s', (_, contender, tally) => {
    expect(() => checkTally(contender, spec, { ...tally, stopped: false })).toThrow(BenchIntegrityError);
  });
});
