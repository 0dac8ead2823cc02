import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: any) => {
      if (part?.type === 'text') return String(part.text);
      if (part?.type === 'tool_result') return textOf(part.content);
      return '';
    })
    .join('');
}

let sequence = 0;

/**
 * A model that obeys whatever the last message tells it, tool results
 * included: `call <tool> {json}` anywhere in it becomes that tool call.
 * It stands for a model that falls for a prompt injection, speaking the
 * Anthropic Messages API (plain and streamed) so the gateway reaches it
 * with the real SDK. Every request body is recorded.
 */
export async function startObedientModel() {
  const requests: any[] = [];
  const app = express();
  app.use(express.json({ limit: '10mb' }));
  app.post('/v1/messages', (req, res) => {
    const body = req.body;
    requests.push(body);
    const last = body.messages[body.messages.length - 1];
    const said = textOf(last?.content);
    const call = /call (\S+) (\{.*\})/.exec(said);
    const toolNames: string[] = (body.tools ?? []).map((t: any) => t.name);
    const block: Block =
      call && toolNames.includes(call[1])
        ? {
            type: 'tool_use',
            id: `toolu_obedient_${++sequence}`,
            name: call[1],
            input: JSON.parse(call[2]),
          }
        : { type: 'text', text: `Done as told: ${said.slice(0, 200)}` };
    const stopReason = block.type === 'tool_use' ? 'tool_use' : 'end_turn';
    const message = {
      id: `msg_obedient_${++sequence}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [block],
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 10 },
    };
    if (!body.stream) {
      res.json(message);
      return;
    }
    res.setHeader('content-type', 'text/event-stream');
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('message_start', {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null },
    });
    if (block.type === 'text') {
      send('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      });
      send('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: block.text },
      });
    } else {
      send('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { ...block, input: {} },
      });
      send('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: {
          type: 'input_json_delta',
          partial_json: JSON.stringify(block.input),
        },
      });
    }
    send('content_block_stop', { type: 'content_block_stop', index: 0 });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: 10 },
    });
    send('message_stop', { type: 'message_stop' });
    res.end();
  });
  const server = http.createServer(app);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
