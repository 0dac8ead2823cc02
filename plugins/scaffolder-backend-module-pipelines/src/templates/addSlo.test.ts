import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import gitlabModule from '@backstage/plugin-scaffolder-backend-module-gitlab';
import { parseOpenSlo } from '@pilothouse/plugin-slo-common';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  dryRunBody,
  DryRunResult,
  generatedFiles,
  TEMPLATES_DIR,
} from './dryRun';
import { startDryRunBackend } from './__testUtils__/dryRunBackend';

const KINDS = ['availability', 'latency'];
const WINDOWS = ['7d', '28d', '30d', 'month', 'quarter'];
const COMBINATIONS = KINDS.flatMap(kind =>
  WINDOWS.map(window => ({ kind, window })),
);

describe('add-slo template, through the scaffolder dry run', () => {
  let backend: Awaited<ReturnType<typeof startDryRunBackend>>;
  beforeAll(async () => {
    backend = await startDryRunBackend({
      features: [githubModule, gitlabModule],
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'payments',
            title: 'Payments API',
            annotations: {
              'github.com/project-slug': 'pilothouse-demo/payments',
            },
          },
          spec: {
            type: 'service',
            lifecycle: 'production',
            owner: 'payments-team',
          },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'orders',
            annotations: { 'gitlab.com/project-slug': 'platform/shop/orders' },
          },
          spec: {
            type: 'service',
            lifecycle: 'production',
            owner: 'orders-team',
          },
        },
      ],
      config: {
        // The pull request action's dry run checks that a token is
        // configured and calls nothing (not a real token).
        integrations: {
          github: [{ host: 'github.com', token: 'not-a-real-token' }],
        },
      },
    });
  });
  afterAll(() => backend.stop());

  const dryRun = (values: Record<string, unknown>) =>
    backend.dryRun(
      dryRunBody('slo/template.yaml', {
        component: 'component:default/payments',
        name: 'availability',
        description: 'Requests succeed',
        objective: 99.9,
        timeZone: 'Europe/Paris',
        labelName: 'service',
        publishTo: 'local',
        ...values,
      }),
    );

  it.each(COMBINATIONS)(
    '$kind over $window: a valid OpenSLO SLO and its Prometheus rules',
    async ({ kind, window }) => {
      const res = await dryRun({
        kind,
        window,
        ...(kind === 'latency'
          ? {
              name: 'latency',
              metric: 'http_request_duration_seconds',
              latencyBound: '0.3',
            }
          : { metric: 'http_requests_total', errorCodes: '5..' }),
      });
      expect(
        res.status === 200 ? 'ok' : JSON.stringify(res.body.error ?? res.body),
      ).toBe('ok');
      const files = generatedFiles(res.body as DryRunResult);
      const doc = parse(files.get('catalog-info.yaml')!);
      expect(doc).toMatchObject({
        apiVersion: 'openslo/v1',
        kind: 'SLO',
        metadata: {
          name: `payments-${kind}`,
          annotations: {
            'pilothouse.dev/slo-target': 'component:default/payments',
            'pilothouse.io/template': 'add-slo@1.0.0',
          },
        },
        spec: { service: 'payments' },
      });

      // Our own parser reads it as the SLO the form described.
      const { slos, problems } = parseOpenSlo([doc]);
      expect(problems).toEqual([]);
      expect(slos).toHaveLength(1);
      expect(slos[0].objective).toBeCloseTo(0.999, 6);
      expect(slos[0].sli.type).toBe(kind === 'latency' ? 'threshold' : 'ratio');
      expect(slos[0].window.kind).toBe(
        ['month', 'quarter'].includes(window) ? 'calendar' : 'rolling',
      );

      const rules = parse(files.get(`prometheus/${kind}.rules.yaml`)!);
      const names = rules.groups.flatMap(
        (g: { rules: { record?: string; alert?: string }[] }) =>
          g.rules.map(r => r.record ?? r.alert),
      );
      // Seven burn windows scaled to the SLO's period, and the period's own.
      expect(
        names.filter((n: string) => n.startsWith('slo:sli_error:ratio_rate')),
      ).toHaveLength(8);
      expect(names).toContain('slo:period_error_budget_remaining:ratio');
      expect(names.filter((n: string) => !n.startsWith('slo:'))).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/HighErrorRate|ErrorBudgetBurn|Burn/i),
        ]),
      );
      // The local publish would register the SLO.
      expect(res.body.output.links[0].entityRef).toBe(
        `slo:default/payments-${kind}`,
      );
    },
    60_000,
  );

  it('writes the SLO under slos/ for a pull request to the component’s repository', async () => {
    const res = await dryRun({
      kind: 'availability',
      window: '28d',
      publishTo: 'github',
    });
    expect(res.status === 200 ? 'ok' : JSON.stringify(res.body)).toBe('ok');
    const files = generatedFiles(res.body as DryRunResult);
    expect([...files.keys()].sort()).toEqual([
      'prometheus/availability.rules.yaml',
      'slos/availability.yaml',
    ]);
  });

  it('writes the SLO under slos/ for a merge request to the component’s GitLab project', async () => {
    const res = await dryRun({
      component: 'component:default/orders',
      kind: 'availability',
      window: '28d',
      publishTo: 'gitlab',
    });
    expect(res.status === 200 ? 'ok' : JSON.stringify(res.body)).toBe('ok');
    const result = res.body as DryRunResult;
    expect([...generatedFiles(result).keys()].sort()).toEqual([
      'prometheus/availability.rules.yaml',
      'slos/availability.yaml',
    ]);
    // publish:gitlab:merge-request has no dry run: the scaffolder logs its
    // rendered input and skips it. The project is the slug's last part, the
    // owner its groups and subgroups.
    const logged = result.log
      .filter(l => l.body.stepId === 'publish-gitlab')
      .map(l => l.body.message)
      .join('\n');
    expect(logged).toContain(
      '"repoUrl": "gitlab.com?owner=platform/shop&repo=orders"',
    );
    expect(logged).toContain('"branchName": "slo-availability"');
  });

  it('refuses an objective of 100 % in the form', async () => {
    const res = await dryRun({
      kind: 'availability',
      window: '28d',
      objective: 100,
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toContain(
      'objective must be less than or equal to 99.999',
    );
  });

  it('records the same version in the SLO as in the template', () => {
    const template = parse(
      fs.readFileSync(path.join(TEMPLATES_DIR, 'slo/template.yaml'), 'utf8'),
    );
    const fetch = template.spec.steps.find(
      (s: { id: string }) => s.id === 'fetch',
    );
    expect(fetch.input.values.templateVersion).toBe(
      template.metadata.annotations['pilothouse.io/template-version'],
    );
  });
});
