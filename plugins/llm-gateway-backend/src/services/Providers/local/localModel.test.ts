import type { ToolSpec } from '@pilothouse/plugin-llm-gateway-common';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoWholeCatalog } from '../../../__fixtures__/repository';
import { directoryEntityOf, DirectoryEntity } from './entityDirectory';
import { contextEntityRef, decide, Decision } from './localModel';
import { realCatalogActions, realMcpTools } from './__testUtils__/realTools';

interface Phrasing {
  text: string;
  context?: string;
  tool?: string;
  tools?: string[];
  args?: Record<string, unknown> | Array<Record<string, unknown>>;
  expect?: 'ask' | 'refuse';
  mentions?: string[];
}

const corpus: Phrasing[] = parse(
  fs.readFileSync(path.join(__dirname, '__fixtures__/phrasings.yaml'), 'utf8'),
);
const entities: DirectoryEntity[] = repoWholeCatalog().map(directoryEntityOf);

let tools: ToolSpec[];
beforeAll(async () => {
  tools = [...(await realMcpTools()), ...(await realCatalogActions())];
}, 60_000);

function decideFor(item: Phrasing): Decision {
  const ref = item.context
    ? contextEntityRef(`You are Pilothouse.\nContext entity: ${item.context}`)
    : undefined;
  return decide(
    item.text,
    tools,
    entities,
    ref ? entities.find(e => e.ref === ref) : undefined,
  );
}

const sorted = (o: Record<string, unknown>) =>
  JSON.stringify(Object.fromEntries(Object.entries(o).sort()));

/** Tool choice, then arguments, of one phrasing against its label. */
function grade(item: Phrasing, decision: Decision) {
  const wanted = item.tools ?? (item.tool ? [item.tool] : [item.expect!]);
  const got =
    decision.kind === 'call'
      ? decision.calls.map(c => c.tool.name)
      : [decision.kind];
  const toolRight = JSON.stringify(got) === JSON.stringify(wanted);
  let argsRight = toolRight;
  if (toolRight && decision.kind === 'call') {
    const args = (item.tools ? item.args : [item.args]) as Array<
      Record<string, unknown>
    >;
    argsRight = decision.calls.every(
      (call, i) => sorted(call.input) === sorted(args[i]),
    );
  } else if (toolRight && decision.kind === 'ask') {
    argsRight = (item.mentions ?? []).every(m => decision.text.includes(m));
  }
  return { wanted: wanted.join(' + '), got, toolRight, argsRight };
}

describe('the local model on the labelled phrasings', () => {
  it('has at least 120 phrasings, covering every tool the servers and the catalog offer', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(120);
    const labelled = new Set(corpus.flatMap(p => p.tools ?? [p.tool]));
    const unlabelled = tools
      .map(t => t.name)
      .filter(
        name =>
          !labelled.has(name) &&
          // Needs an entity's YAML or a nested choice: asked for, not guessed.
          !['backstage.catalog.validate-entity', 'backstage.catalog.unregister-entity'].includes(name),
      );
    expect(unlabelled).toEqual([]);
  });

  it('chooses the right tool for ≥ 90% and the right arguments for ≥ 85%', () => {
    const byTool = new Map<string, { n: number; tool: number; args: number }>();
    const misses: string[] = [];
    for (const item of corpus) {
      const decision = decideFor(item);
      const g = grade(item, decision);
      const row = byTool.get(g.wanted) ?? { n: 0, tool: 0, args: 0 };
      row.n++;
      row.tool += g.toolRight ? 1 : 0;
      row.args += g.argsRight ? 1 : 0;
      byTool.set(g.wanted, row);
      if (!g.argsRight) {
        misses.push(
          `  ✗ "${item.text}": wanted ${g.wanted}, got ${g.got.join(' + ')} ${
            decision.kind === 'call'
              ? JSON.stringify(decision.calls.map(c => c.input))
              : JSON.stringify(decision.text.slice(0, 120))
          }`,
        );
      }
    }
    const total = [...byTool.values()].reduce(
      (a, r) => ({ n: a.n + r.n, tool: a.tool + r.tool, args: a.args + r.args }),
      { n: 0, tool: 0, args: 0 },
    );
    const pct = (k: number, n: number) => `${((100 * k) / n).toFixed(1)}%`;
    const lines = [...byTool]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([name, r]) =>
          `  ${name.padEnd(62)} ${String(r.n).padStart(3)}  tool ${pct(r.tool, r.n).padStart(6)}  args ${pct(r.args, r.n).padStart(6)}`,
      );
    process.stdout.write(
      [
        `\nLocal model on ${total.n} phrasings (per expected tool or outcome):`,
        ...lines,
        `  ${'overall'.padEnd(62)} ${String(total.n).padStart(3)}  tool ${pct(total.tool, total.n).padStart(6)}  args ${pct(total.args, total.n).padStart(6)}`,
        'Misses:',
        ...misses,
        '',
      ].join('\n'),
    );
    expect(total.tool / total.n).toBeGreaterThanOrEqual(0.9);
    expect(total.args / total.n).toBeGreaterThanOrEqual(0.85);
  });

  it.each([
    ['run the EKS health check', 'kubernetes.health_check', {}],
    [
      'scale payments to 5 replicas',
      'kubernetes.scale_deployment',
      { namespace: 'payments', name: 'payments', replicas: 5 },
    ],
    [
      'bump payments up to five pods',
      'kubernetes.scale_deployment',
      { namespace: 'payments', name: 'payments', replicas: 5 },
    ],
    [
      'scale the payments deployment to 5',
      'kubernetes.scale_deployment',
      { namespace: 'payments', name: 'payments', replicas: 5 },
    ],
    [
      'set payments replicas=5',
      'kubernetes.scale_deployment',
      { namespace: 'payments', name: 'payments', replicas: 5 },
    ],
    [
      'why is checkout burning its error budget?',
      'aws.triage_incident',
      { component: 'checkout' },
    ],
    [
      'who owns inventory?',
      'backstage.catalog.get-catalog-entity',
      { kind: 'Component', namespace: 'default', name: 'inventory' },
    ],
    [
      'restart the payments service',
      'kubernetes.restart_deployment',
      { namespace: 'payments', name: 'payments' },
    ],
  ])('"%s" → %s %j', (text, tool, input) => {
    expect(decideFor({ text })).toEqual({
      kind: 'call',
      calls: [{ tool: expect.objectContaining({ name: tool }), input }],
    });
  });

  it('acts on the page\'s entity when the text says "this"', () => {
    expect(
      decideFor({ text: 'scale this to 5', context: 'component:default/payments' }),
    ).toEqual({
      kind: 'call',
      calls: [
        {
          tool: expect.objectContaining({ name: 'kubernetes.scale_deployment' }),
          input: { namespace: 'payments', name: 'payments', replicas: 5 },
        },
      ],
    });
  });

  it('asks for what is missing or unclear, and refuses what no tool does', () => {
    const missing = decideFor({ text: 'scale payments' });
    expect(missing).toEqual({ kind: 'ask', text: expect.stringContaining('replicas') });
    const two = decideFor({ text: 'restart payments and orders' });
    expect(two).toEqual({
      kind: 'ask',
      text: 'Which one do you mean: payments or orders? kubernetes.restart_deployment works on one name at a time.',
    });
    const range = decideFor({ text: 'scale payments to 500 replicas' });
    expect(range).toEqual({
      kind: 'ask',
      text: expect.stringContaining('replicas must be between 0 and 50 (you said 500)'),
    });
    // Words that are names of Object's own properties are words like any
    // other (one near a number used to throw: "not iterable").
    expect(() =>
      decideFor({ text: 'scale payments to 3 constructor __proto__ toString' }),
    ).not.toThrow();
    const weather = decideFor({ text: "what's the weather in Berlin" });
    expect(weather).toEqual({
      kind: 'refuse',
      text: expect.stringMatching(/^I can't help with that.*kubernetes: .*health check/s),
    });
  });
});
