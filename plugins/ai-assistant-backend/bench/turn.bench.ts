/**
 * The assistant's responsiveness with the local model: time to the first
 * streamed token of a turn, and time to a finished tool-using turn
 * (model → tool → model), each beside the same work done directly against
 * the gateway's API in the same run, so the figures show what the assistant
 * adds (its database, tool listing, the system prompt, server-sent events).
 * The first token is also set beside the upstream model's own first token:
 * the same local model in this process, streaming the same text with the
 * same tools offered, with no HTTP, gateway or assistant around it.
 *
 * Everything runs on the real parts, as in the tests: the gateway plugin
 * (inspection, the repository's policies, the catalog resolver, audit,
 * quotas with limits raised so the run is not refused), the assistant on
 * SQLite in memory, and mcp-kubernetes over HTTP against the sandbox.
 *
 * Run alone: node --require @backstage/cli-node/config/nodeTransform.cjs
 *   plugins/ai-assistant-backend/bench/turn.bench.ts [--quick] [--json]
 */

import { ReportRow, runBenchmark, summarize } from '@pilothouse/bench';
import type { ToolSpec } from '@pilothouse/plugin-llm-gateway-common';
// The gateway's own local model, which its package does not export: the
// benchmark times it alone, as the upstream of the assistant's turns.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import { LocalProvider } from '@pilothouse/plugin-llm-gateway-backend/src/services/Providers/LocalProvider';
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import { DEFAULT_PROVIDERS } from '@pilothouse/plugin-llm-gateway-backend/src/services/Providers/readProviderConfigs';
import knexFactory from 'knex';
import { performance } from 'node:perf_hooks';
import {
  bearer,
  startAssistantBackend,
  startCluster,
} from '../src/__testUtils__/testBackend';

/** Samples per block; the assistant and the baseline take turns by block. */
const BLOCK = 5;
const TOOL_TEXT = 'kubernetes.list_workloads namespace=checkout';
const PLAIN_TEXT = 'What does the checkout service do?';

const memoryDatabase = () =>
  knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });

/** Reads a server-sent event stream; calls `onEvent` with each parsed event. */
async function readEvents(
  res: Response,
  onEvent: (event: any) => void,
): Promise<void> {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (
      let end = buffer.indexOf('\n\n');
      end >= 0;
      end = buffer.indexOf('\n\n')
    ) {
      const data = buffer
        .slice(0, end)
        .split('\n')
        .filter(line => line.startsWith('data:'))
        .map(line => line.slice(5).trim())
        .join('');
      buffer = buffer.slice(end + 2);
      if (data) onEvent(JSON.parse(data));
    }
  }
}

runBenchmark({
  name: 'ai-assistant-turn',
  title:
    'AI assistant: first streamed token, and a finished tool-using turn (local model)',
  file: __filename,
  async run({ quick, progress }) {
    const rounds = quick ? 2 : 6;
    progress('starting the sandbox, mcp-kubernetes and the backend');
    const cluster = await startCluster();
    const gatewayDb = memoryDatabase();
    const assistantDb = memoryDatabase();
    const env = await startAssistantBackend({
      cluster,
      databases: { gateway: gatewayDb, assistant: assistantDb },
      llmGateway: {
        quotas: {
          defaults: {
            user: { requestsPerMinute: 1_000_000, tokensPerDay: 1_000_000_000 },
            team: { requestsPerMinute: 1_000_000, tokensPerDay: 1_000_000_000 },
          },
        },
      },
    });
    const headers = {
      authorization: bearer('alice'),
      'content-type': 'application/json',
    };
    const assistant = `${env.baseUrl}/api/ai-assistant/v1`;
    const gateway = `${env.baseUrl}/api/llm-gateway/v1`;
    const post = (url: string, body: unknown) =>
      fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });

    /** One assistant turn in a new conversation: [first token ms, finished ms]. */
    const assistantTurn = async (text: string) => {
      const { id } = await (
        await post(`${assistant}/conversations`, {})
      ).json();
      const started = performance.now();
      let firstToken: number | undefined;
      let finished: any;
      await readEvents(
        await post(`${assistant}/conversations/${id}/messages`, { text }),
        event => {
          if (event.type === 'text_delta' && firstToken === undefined) {
            firstToken = performance.now() - started;
          }
          if (event.type === 'turn_finished') finished = event.message;
        },
      );
      if (finished?.status !== 'done' || firstToken === undefined) {
        throw new Error(`the turn did not finish: ${JSON.stringify(finished)}`);
      }
      return [firstToken, performance.now() - started];
    };

    /** The same without the assistant: the gateway's streamed completion. */
    const directFirstToken = async (text: string) => {
      const started = performance.now();
      let firstToken: number | undefined;
      await readEvents(
        await post(`${gateway}/complete?stream=true`, {
          messages: [{ role: 'user', content: text }],
        }),
        event => {
          if (event.type === 'text_delta' && firstToken === undefined) {
            firstToken = performance.now() - started;
          }
        },
      );
      return firstToken!;
    };

    /** model → tool → model, each a plain call to the gateway's API. */
    const tools = await (await fetch(`${gateway}/tools`, { headers })).json();
    const specs: ToolSpec[] = tools.map((t: any) => ({
      name: t.name,
      description: t.description,
      input_schema: t.inputSchema,
    }));

    /** The upstream model alone: its first streamed token, in this process. */
    const model = new LocalProvider(DEFAULT_PROVIDERS[0]);
    const modelFirstToken = async (text: string) => {
      const started = performance.now();
      for await (const event of model.stream({
        model: 'pilothouse-local',
        maxTokens: 1024,
        tools: specs,
        messages: [{ role: 'user', content: [{ type: 'text', text }] }],
      })) {
        if (event.type === 'text_delta') break;
      }
      return performance.now() - started;
    };
    const directToolTurn = async () => {
      const started = performance.now();
      const messages: any[] = [{ role: 'user', content: TOOL_TEXT }];
      const first = await (
        await post(`${gateway}/complete`, { messages, tools: specs })
      ).json();
      const use = first.content.find((b: any) => b.type === 'tool_use');
      const outcome = await (
        await post(`${gateway}/tools/call`, {
          tool: use.name,
          arguments: use.input,
        })
      ).json();
      messages.push(
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: use.id,
              content: outcome.result.content[0].text,
            },
          ],
        },
      );
      await (
        await post(`${gateway}/complete`, { messages, tools: specs })
      ).json();
      return performance.now() - started;
    };

    progress('warming up');
    for (let i = 0; i < BLOCK; i++) {
      await assistantTurn(PLAIN_TEXT);
      await directFirstToken(PLAIN_TEXT);
      await modelFirstToken(PLAIN_TEXT);
      await assistantTurn(TOOL_TEXT);
      await directToolTurn();
    }

    const firstToken: number[] = [];
    const directToken: number[] = [];
    const modelToken: number[] = [];
    const toolTurn: number[] = [];
    const directTool: number[] = [];
    for (let round = 0; round < rounds; round++) {
      progress(`round ${round + 1} of ${rounds}`);
      for (let i = 0; i < BLOCK; i++) {
        firstToken.push((await assistantTurn(PLAIN_TEXT))[0]);
      }
      for (let i = 0; i < BLOCK; i++) {
        directToken.push(await directFirstToken(PLAIN_TEXT));
      }
      for (let i = 0; i < BLOCK; i++) {
        modelToken.push(await modelFirstToken(PLAIN_TEXT));
      }
      for (let i = 0; i < BLOCK; i++) {
        toolTurn.push((await assistantTurn(TOOL_TEXT))[1]);
      }
      for (let i = 0; i < BLOCK; i++) directTool.push(await directToolTurn());
    }

    await env.stop();
    await cluster.close();
    await gatewayDb.destroy();
    await assistantDb.destroy();

    const rows: ReportRow[] = [
      {
        group: 'time to the first streamed token (plain question)',
        label: 'assistant turn (POST .../messages, SSE)',
        headline: 'assistant: time to first token (plain question)',
        summary: summarize(firstToken),
        baselines: [
          {
            label: "the upstream model's own first token, in process",
            summary: summarize(modelToken),
          },
          {
            label: 'gateway streamed completion, same text',
            summary: summarize(directToken),
          },
        ],
      },
      {
        group: `time to a finished tool-using turn ("${TOOL_TEXT}")`,
        label: 'assistant turn: model, tool, model (SSE to turn_finished)',
        headline: 'assistant: finished tool-using turn',
        summary: summarize(toolTurn),
        baselines: [
          {
            label: 'the same three calls straight to the gateway API',
            summary: summarize(directTool),
          },
        ],
      },
    ];
    return {
      settings: { rounds, block: BLOCK, model: 'local (pilothouse-local)' },
      rows,
      notes: [
        'each assistant sample starts a new conversation; the tool is mcp-kubernetes list_workloads on the sandbox over HTTP',
      ],
    };
  },
});
