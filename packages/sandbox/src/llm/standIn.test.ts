import { startLlmStandIn, RunningLlmStandIn } from './standIn';

describe('LLM stand-in', () => {
  let standIn: RunningLlmStandIn;
  beforeAll(async () => {
    standIn = await startLlmStandIn();
  });
  afterAll(() => standIn.close());
  beforeEach(() => standIn.reset());

  const post = (path: string, body: unknown) =>
    fetch(`${standIn.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers the Messages API and records what it received', async () => {
    const res = await post('/v1/messages', {
      model: 'm',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(await res.json()).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'echo: hello' }],
      stop_reason: 'end_turn',
    });
    expect(standIn.requests).toEqual([
      expect.objectContaining({
        api: 'anthropic',
        body: expect.objectContaining({
          messages: [{ role: 'user', content: 'hello' }],
        }),
      }),
    ]);
  });

  it('streams chat completions, with a tool call when asked to use a tool', async () => {
    const res = await post('/v1/chat/completions', {
      model: 'm',
      stream: true,
      tools: [{ type: 'function', function: { name: 'lookup' } }],
      messages: [{ role: 'user', content: 'use lookup "x"' }],
    });
    const text = await res.text();
    expect(text).toContain('"finish_reason":"tool_calls"');
    expect(text).toContain('"name":"lookup"');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('fails on demand, as a provider having a bad day', async () => {
    standIn.setBehaviour({ failWithStatus: 529 });
    const res = await post('/v1/messages', { messages: [] });
    expect(res.status).toBe(529);
    expect(await res.json()).toMatchObject({ type: 'error' });
  });
});
