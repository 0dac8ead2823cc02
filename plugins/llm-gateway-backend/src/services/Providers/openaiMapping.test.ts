import { fromOpenAiMessages, toOpenAiMessages } from './openaiMapping';

describe('OpenAI mapping', () => {
  const canonical = {
    system: 'Be brief.',
    messages: [
      {
        role: 'user' as const,
        content: [{ type: 'text' as const, text: 'list pods' }],
      },
      {
        role: 'assistant' as const,
        content: [
          { type: 'text' as const, text: 'Looking.' },
          {
            type: 'tool_use' as const,
            id: 'c1',
            name: 'pods',
            input: { ns: 'shop' },
          },
        ],
      },
      {
        role: 'user' as const,
        content: [
          {
            type: 'tool_result' as const,
            tool_use_id: 'c1',
            content: '3 pods',
          },
        ],
      },
    ],
  };

  it('maps tool calls and results to OpenAI messages and back', () => {
    const openai = toOpenAiMessages(canonical.system, canonical.messages);
    expect(openai).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'list pods' },
      {
        role: 'assistant',
        content: 'Looking.',
        tool_calls: [
          {
            id: 'c1',
            type: 'function',
            function: { name: 'pods', arguments: '{"ns":"shop"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: '3 pods' },
    ]);
    expect(fromOpenAiMessages(openai as any)).toEqual(canonical);
  });
});
