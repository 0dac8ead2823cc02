/**
 * The local model's own time: to the first streamed token of an answer, and
 * to a finished tool-using turn (the user's request → tool_use, then the
 * tool's result → the answer), on the real tool specs of the three MCP
 * servers and the catalog's actions (34 tools) and the repository's catalog.
 * Baselines in the same run: the same requests with one tool offered, and
 * with none (the fixed text the model answers without tools).
 *
 * No network and no gateway around it: add the gateway's own latency from
 * gateway.bench.ts for what a user waits in the portal.
 *
 * Run alone: node --require @backstage/cli-node/config/nodeTransform.cjs
 *   plugins/llm-gateway-backend/bench/localModel.bench.ts [--quick] [--json]
 */

import { ReportRow, runBenchmark, summarize } from '@pilothouse/bench';
import type {
  ContentBlock,
  ToolSpec,
} from '@pilothouse/plugin-llm-gateway-common';
import { performance } from 'node:perf_hooks';
import { repoWholeCatalog } from '../src/__fixtures__/repository';
import { staticEntityDirectory } from '../src/services/Providers/local/entityDirectory';
import {
  realCatalogActions,
  realMcpTools,
} from '../src/services/Providers/local/__testUtils__/realTools';
import { DEFAULT_PROVIDERS } from '../src/services/Providers/readProviderConfigs';
import { LocalProvider } from '../src/services/Providers/LocalProvider';
import type { ProviderRequest } from '../src/services/types';

/** Requests a person makes, in turn: paraphrases, numbers in words, a typo. */
const ASKS = [
  'scale payments to 5 replicas',
  'bump checkout up to three pods',
  'run the EKS health check',
  'why is checkout burning its error budget?',
  'who owns inventory?',
  'restart the paymnets service',
  'sync the orders app and prune old resources',
  'show recent failed builds of notifications',
];

const ECHO: ToolSpec = {
  name: 'tools.echo',
  description: 'Echo a text back.',
  input_schema: { type: 'object', properties: { text: { type: 'string' } } },
};

runBenchmark({
  name: 'local-model',
  title:
    'Local model: time to first streamed token and to a finished tool-using turn',
  file: __filename,
  async run({ quick, progress }) {
    const rounds = quick ? 5 : 20;
    progress('listing the real tools');
    const tools = [...(await realMcpTools()), ...(await realCatalogActions())];
    const model = new LocalProvider(DEFAULT_PROVIDERS[0], {
      entityDirectory: staticEntityDirectory(repoWholeCatalog()),
    });
    const user = (text: string) => ({
      role: 'user' as const,
      content: [{ type: 'text' as const, text }],
    });
    const request = (
      messages: ProviderRequest['messages'],
      offered: ToolSpec[],
    ): ProviderRequest => ({
      model: 'pilothouse-local',
      maxTokens: 1024,
      tools: offered,
      messages,
    });

    /** Until the first text_delta of a streamed answer (a question here). */
    const firstToken = async (offered: ToolSpec[], samples: number[]) => {
      const started = performance.now();
      for await (const event of model.stream(
        request([user('scale payments')], offered),
      )) {
        if (event.type === 'text_delta') break;
      }
      samples.push(performance.now() - started);
    };

    /** Request → tool_use; tool_result → answer: both model steps. */
    const turn = async (ask: string, offered: ToolSpec[], samples: number[]) => {
      const started = performance.now();
      const first = await model.complete(request([user(ask)], offered));
      const uses = first.content.filter(b => b.type === 'tool_use');
      const results: ContentBlock[] = uses.map(b => ({
        type: 'tool_result',
        tool_use_id: b.type === 'tool_use' ? b.id : '',
        content: JSON.stringify({ summary: `done: ${ask}`, ok: true }),
      }));
      if (results.length) {
        await model.complete(
          request(
            [
              user(ask),
              { role: 'assistant', content: first.content },
              { role: 'user', content: results },
            ],
            offered,
          ),
        );
      }
      samples.push(performance.now() - started);
      return uses.length;
    };

    progress('warming up');
    for (const ask of ASKS) await turn(ask, tools, []);
    await firstToken(tools, []);

    const first = { all: [] as number[], one: [] as number[], none: [] as number[] };
    const turns = { all: [] as number[], one: [] as number[] };
    let toolCalls = 0;
    for (let round = 0; round < rounds; round++) {
      progress(`round ${round + 1} of ${rounds}`);
      await firstToken(tools, first.all);
      await firstToken([ECHO], first.one);
      await firstToken([], first.none);
      for (const ask of ASKS) {
        toolCalls += await turn(ask, tools, turns.all);
        await turn(`echo "${ask}"`, [ECHO], turns.one);
      }
    }
    const perSecond = (samples: number[]) =>
      samples.length / (samples.reduce((a, b) => a + b, 0) / 1000);
    const rows: ReportRow[] = [
      {
        group: 'time to the first streamed token (a clarifying question)',
        label: `${tools.length} real tools offered`,
        headline: `local model: first streamed token, ${tools.length} tools`,
        summary: summarize(first.all),
        baselines: [
          { label: 'one tool offered', summary: summarize(first.one) },
          { label: 'no tools (fixed text)', summary: summarize(first.none) },
        ],
      },
      {
        group: 'finished tool-using turn: request → tool_use, result → answer',
        label: `${tools.length} real tools, ${ASKS.length} everyday asks`,
        headline: `local model: finished tool-using turn, ${tools.length} tools`,
        summary: summarize(turns.all),
        perSecond: perSecond(turns.all),
        baselines: [
          {
            label: 'one tool offered, named outright',
            summary: summarize(turns.one),
            perSecond: perSecond(turns.one),
          },
        ],
      },
    ];
    return {
      settings: { rounds, asks: ASKS.length, tools: tools.length },
      rows,
      notes: [
        `${toolCalls} tool calls in ${turns.all.length} turns (a turn may call two tools or ask instead)`,
        'the model runs in process: no network, no gateway; compromise parses numbers in words only when a text has one',
      ],
    };
  },
});
