import { DEFAULT_PROVIDERS } from './readProviderConfigs';
import { LocalProvider } from './LocalProvider';

const local = new LocalProvider(DEFAULT_PROVIDERS[0]);
const tools = [
  {
    name: 'kubernetes.restart_deployment',
    input_schema: {
      type: 'object',
      properties: { namespace: { type: 'string' }, name: { type: 'string' } },
      required: ['namespace', 'name'],
    },
  },
  {
    name: 'tools.echo',
    input_schema: { type: 'object', properties: { text: { type: 'string' } } },
  },
];

const ask = (text: string) =>
  local.complete({
    model: 'pilothouse-local',
    maxTokens: 200,
    tools,
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  });

describe('LocalProvider', () => {
  it('calls a tool the message names, with arguments from the message', async () => {
    const answer = await ask(
      'please restart deployment namespace=shop name: "cart"',
    );
    expect(answer.stopReason).toBe('tool_use');
    expect(answer.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'kubernetes.restart_deployment',
      input: { namespace: 'shop', name: 'cart' },
    });
    expect((await ask('echo "hello there"')).content[0]).toMatchObject({
      name: 'tools.echo',
      input: { text: 'hello there' },
    });
  });

  it('asks for missing required arguments instead of guessing', async () => {
    const answer = await ask('restart deployment please');
    expect(answer.content[0]).toEqual({
      type: 'text',
      text: 'To use kubernetes.restart_deployment I need namespace, name: say for example namespace="..." name="...".',
    });
  });

  it('answers in text otherwise, and reports tool results', async () => {
    expect((await ask('what is up?')).content[0]).toMatchObject({
      type: 'text',
      text: expect.stringContaining('You said: what is up?'),
    });
    const after = await local.complete({
      model: 'pilothouse-local',
      maxTokens: 200,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: '3 pods' },
          ],
        },
      ],
    });
    expect(after.content).toEqual([
      { type: 'text', text: 'The tool answered: 3 pods' },
    ]);
  });
});
