import { findPaths } from '@backstage/cli-common';
import {
  generatePrometheusRules,
  parseOpenSlo,
  rulesToYaml,
} from '@pilothouse/plugin-slo-common';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { z } from 'zod';
import { dashboardExpressions, MONITORING } from './__testUtils__/monitoring';

const repoRoot = findPaths(__dirname).targetRoot;
const read = (file: string) =>
  fs.readFileSync(path.join(repoRoot, file), 'utf8');

/** Debian's promtool (package `prometheus`, which scripts/test.sh installs). */
function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { encoding: 'utf8' });
  } catch (error: any) {
    if (error.code === 'ENOENT') {
      throw new Error(
        'promtool is not installed: apt-get install prometheus (scripts/test.sh does)',
      );
    }
    throw new Error(
      `promtool ${args.join(' ')} failed:\n${error.stdout}${error.stderr}`,
    );
  }
}

/** The rules slo-common generates for Pilothouse's own SLOs, as a rule file. */
function generatedSloRules(): string {
  const docs = parseAllDocuments(read(MONITORING.slos)).map(d => d.toJS());
  // Their metric source, the catalog's one Prometheus, is declared with the
  // other SLOs.
  const dataSources = parseAllDocuments(read('catalog/slos.yaml'))
    .map(d => d.toJS())
    .filter(d => d?.kind === 'DataSource');
  const { slos, problems } = parseOpenSlo([...dataSources, ...docs]);
  expect(problems).toEqual([]);
  expect(slos.map(s => s.name)).toEqual([
    'pilothouse-gateway-availability',
    'pilothouse-assistant-first-token',
  ]);
  return rulesToYaml(slos.flatMap(slo => generatePrometheusRules(slo)));
}

const datasource = z.object({ type: z.literal('prometheus'), uid: z.string() });
const gridPos = z.object({
  h: z.number().int().positive(),
  w: z.number().int().min(1).max(24),
  x: z.number().int().min(0).max(23),
  y: z.number().int().min(0),
});

function queryPanel<T extends string>(type: T) {
  return z
    .object({
      type: z.literal(type),
      id: z.number().int(),
      title: z.string().min(1),
      gridPos,
      datasource,
      targets: z
        .array(
          z.object({
            datasource,
            expr: z.string().min(1),
            refId: z.string().min(1),
            legendFormat: z.string().optional(),
          }),
        )
        .min(1),
    })
    .passthrough();
}

/** The parts of Grafana's dashboard model (schemaVersion 39) that import relies on. */
const dashboardSchema = z.object({
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/),
  title: z.string().min(1),
  schemaVersion: z.number().int().min(36),
  time: z.object({ from: z.string(), to: z.string() }),
  templating: z.object({
    list: z
      .array(z.object({ name: z.string(), type: z.string() }).passthrough())
      .refine(
        list =>
          list.some(v => v.name === 'datasource' && v.type === 'datasource'),
        {
          message:
            'a datasource variable, so the dashboard imports into any Grafana',
        },
      ),
  }),
  panels: z.array(
    z.discriminatedUnion('type', [
      z
        .object({
          type: z.literal('row'),
          id: z.number().int(),
          title: z.string(),
          gridPos,
        })
        .passthrough(),
      queryPanel('timeseries'),
      queryPanel('stat'),
    ]),
  ),
});

describe('deploy/monitoring', () => {
  it('holds alert and SLO rules that promtool accepts', () => {
    const out = promtool(
      'check',
      'rules',
      path.join(repoRoot, MONITORING.alerts),
      path.join(repoRoot, MONITORING.sloRules),
    );
    expect(out).toMatch(/pilothouse-alerts\.yaml\s+SUCCESS: 11 rules found/);
    expect(out).toMatch(
      /pilothouse-slo-rules\.yaml\s+SUCCESS: \d+ rules found/,
    );
  });

  it('holds the SLO rules slo-common generates from catalog/pilothouse-slos.yaml', () => {
    const generated = generatedSloRules();
    const file = path.join(repoRoot, MONITORING.sloRules);
    if (process.env.UPDATE_MONITORING_RULES) {
      fs.writeFileSync(
        file,
        `# Generated from ${MONITORING.slos} by plugins/slo-common (Sloth's rules);\n` +
          `# regenerate: UPDATE_MONITORING_RULES=1 yarn backstage-cli package test src/monitoring.test.ts\n${generated}`,
      );
    }
    const committed = read(MONITORING.sloRules).replace(/^(#.*\n)+/, '');
    expect(committed).toBe(generated);
  });

  it('holds a Grafana dashboard whose panels query valid PromQL', () => {
    const dashboard = dashboardSchema.parse(
      JSON.parse(read(MONITORING.dashboard)),
    );
    const ids = dashboard.panels.map(p => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
    }
    const exprs = dashboardExpressions(dashboard);
    expect(exprs.length).toBeGreaterThanOrEqual(12);

    // Grafana's variables as Prometheus would see them, checked by its parser.
    const asPromql = (expr: string) =>
      expr.replace(/\$__rate_interval/g, '5m').replace(/\$job/g, '.*');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-'));
    try {
      const file = path.join(dir, 'dashboard-queries.yaml');
      fs.writeFileSync(
        file,
        stringify({
          groups: [
            {
              name: 'dashboard',
              rules: exprs.map((expr, i) => ({
                record: `dashboard:query${i}`,
                expr: asPromql(expr),
              })),
            },
          ],
        }),
      );
      expect(promtool('check', 'rules', file)).toContain(
        `SUCCESS: ${exprs.length} rules found`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
