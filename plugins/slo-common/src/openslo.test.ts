import path from 'path';
import { parseOpenSlo } from './openslo';
import { fixturePath, listFiles, readYamlDocuments } from './__testUtils__/fixtures';

const openslo = fixturePath('openslo');
const specFiles = path.join(openslo, 'schema-test/spec-files');
const rel = (file: string) => path.relative(openslo, file);

// The spec-files whose names say they break the specification, and the field each must name.
const INVALID: Record<string, { path: string; message: RegExp }> = {
  // two files of this name: v1alpha with a v1-only kind, and apiVersion foo
  'invalid-apiversion.yaml': { path: 'apiVersion', message: /openslo\/v1/ },
  'alert-policy-no-cond.yaml': { path: 'spec.conditions', message: /required/ },
  'alert-policy-no-notification.yaml': { path: 'spec.notificationTargets', message: /required/ },
  'alert-policy-malformed-cond.yaml': { path: 'spec.conditions[0].conditionRef', message: /required/ },
  'alert-policy-malformed-targetref.yaml': {
    path: 'spec.notificationTargets[0].targetRef',
    message: /required/,
  },
  'alert-condition-no-sev.yaml': { path: 'spec.severity', message: /required/ },
  'alert-condition-no-condition.yaml': { path: 'spec.condition', message: /required/ },
  'alert-notification-target-no-target.yaml': { path: 'spec.target', message: /required/ },
  'alert-policy-many-cond.yaml': { path: 'spec.conditions', message: /exactly one/ },
  'service-long-description.yaml': { path: 'spec.description', message: /1050/ },
  // These two are in neither list of upstream's schema test. The first sets good
  // and bad, which the specification forbids ("If good is defined then bad must
  // not be set"); the second does too, and leaves total's metricSource.spec empty.
  'sli-ratio-good-and-bad.yaml': { path: 'spec.ratioMetric.bad', message: /together with good/ },
  'sli-description-ratio-inline-metricsource.yaml': {
    path: 'spec.ratioMetric.total.metricSource.spec',
    message: /must be a mapping/,
  },
};

describe('parseOpenSlo on the specification’s own documents', () => {
  const files = [
    ...listFiles(specFiles, /\.ya?ml$/),
    ...listFiles(path.join(openslo, 'examples'), /\.ya?ml$/),
    ...listFiles(path.join(openslo, 'pkg/openslo/v1/examples'), /\.ya?ml$/),
  ];

  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it.each(files.filter(f => !(path.basename(f) in INVALID)).map(f => [rel(f), f]))(
    'reads the valid %s without finding it invalid',
    (_name, file) => {
      const { problems } = parseOpenSlo(readYamlDocuments(file));
      // indicatorRefs to SLIs in other files are resolved only among the documents given
      const invalid = problems.filter(
        p => p.severity === 'invalid' && !/no SLI named/.test(p.message),
      );
      expect(invalid).toEqual([]);
    },
  );

  it.each(files.filter(f => path.basename(f) in INVALID).map(f => [rel(f), f]))(
    'reports what is wrong in %s',
    (_name, file) => {
      const expected = INVALID[path.basename(file)];
      const { slos, problems } = parseOpenSlo(readYamlDocuments(file));
      expect(slos).toEqual([]);
      expect(problems).toContainEqual(
        expect.objectContaining({
          path: expected.path,
          message: expect.stringMatching(expected.message),
          severity: 'invalid',
        }),
      );
    },
  );
});

describe('parseOpenSlo', () => {
  const read = (...parts: string[]) => readYamlDocuments(path.join(openslo, ...parts));

  it('resolves an inline ratio indicator with a calendar window', () => {
    const { slos, problems } = parseOpenSlo(read('pkg/openslo/v1/examples/slos.yaml'));
    expect(slos[0]).toMatchObject({
      name: 'web-availability',
      displayName: 'Good',
      service: 'web',
      labels: { env: 'prod', team: 'team-a,team-b' },
      objective: 0.995,
      window: {
        kind: 'calendar',
        unit: 'week',
        timeZone: 'America/New_York',
        startTime: '2022-01-01 12:00:00',
      },
      budgetingMethod: 'Timeslices',
      sli: {
        type: 'ratio',
        good: 'sum(http_requests{k8s_cluster="prod",component="web",code=~"2xx|4xx"})',
        total: 'sum(http_requests{k8s_cluster="prod",component="web"})',
      },
    });
    // valid, but not something Pilothouse evaluates: it says so rather than failing silently
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          document: 'SLO/web-availability',
          path: 'spec.budgetingMethod',
          message: expect.stringMatching(/Timeslices budgeting is not supported for evaluation/),
          severity: 'unsupported',
        }),
        expect.objectContaining({
          path: 'spec.indicator.spec.ratioMetric.good.metricSource.spec.query',
          message: expect.stringMatching(/\{\{\.window\}\}/),
        }),
      ]),
    );
    expect(slos[0].unsupported).toEqual(
      expect.arrayContaining([expect.stringMatching(/^spec.budgetingMethod: /)]),
    );
  });

  it('reports RatioTimeslices and non-Prometheus sources as unsupported', () => {
    const { slos, problems } = parseOpenSlo(read('examples/budgeting-method/ratio-timeslices.yaml'));
    expect(slos).toHaveLength(1);
    expect(slos[0].window).toEqual({ kind: 'rolling', seconds: 14 * 86400 });
    expect(problems.map(p => [p.path, p.severity])).toEqual(
      expect.arrayContaining([
        ['spec.budgetingMethod', 'unsupported'],
        ['spec.indicator.spec.ratioMetric.good.metricSource.type', 'unsupported'],
      ]),
    );
  });

  it('makes one definition per objective', () => {
    const { slos } = parseOpenSlo(read('examples/budgeting-method/timeslices-slo.yaml'));
    expect(slos.map(s => [s.displayName, s.objective, s.source.objectiveIndex])).toEqual([
      ['Internal objective', 0.995, 0],
      ['SLA', 0.99, 1],
    ]);
  });

  const prometheusSlo = (overrides: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) => ({
    apiVersion: 'openslo/v1',
    kind: 'SLO',
    metadata: { name: 'checkout-latency', displayName: 'Checkout latency' },
    spec: {
      service: 'checkout',
      indicatorRef: 'checkout-latency',
      timeWindow: [{ duration: '1M', isRolling: false, calendar: { startTime: '2025-01-01 00:00:00', timeZone: 'Europe/Paris' } }],
      budgetingMethod: 'Occurrences',
      objectives: [{ op: 'lte', value: 0.3, targetPercent: 99 }],
      alertPolicies: ['checkout-pages'],
      ...spec,
    },
    ...overrides,
  });
  const latencySli = {
    apiVersion: 'openslo/v1',
    kind: 'SLI',
    metadata: { name: 'checkout-latency' },
    spec: {
      thresholdMetric: {
        metricSource: {
          metricSourceRef: 'prometheus',
          spec: { query: 'http_request_duration_seconds_bucket{job="checkout"}' },
        },
      },
    },
  };
  const dataSource = {
    apiVersion: 'openslo/v1',
    kind: 'DataSource',
    metadata: { name: 'prometheus' },
    spec: { type: 'Prometheus', connectionDetails: { url: 'http://prometheus:9090' } },
  };
  const policy = {
    apiVersion: 'openslo/v1',
    kind: 'AlertPolicy',
    metadata: { name: 'checkout-pages', labels: { team: 'payments' } },
    spec: {
      conditions: [{ conditionRef: 'fast-burn' }],
      notificationTargets: [{ targetRef: 'pager' }],
    },
  };

  it('resolves indicatorRef, metricSourceRef and alertPolicies across documents', () => {
    const { slos, problems } = parseOpenSlo([prometheusSlo(), latencySli, dataSource, policy]);
    expect(problems).toEqual([]);
    expect(slos).toEqual([
      expect.objectContaining({
        name: 'checkout-latency',
        objective: 0.99,
        window: { kind: 'calendar', unit: 'month', timeZone: 'Europe/Paris', startTime: '2025-01-01 00:00:00' },
        sli: { type: 'threshold', histogram: 'http_request_duration_seconds', matchers: 'job="checkout"', le: '0.3' },
        alerting: {
          name: 'CheckoutPages',
          page: { labels: { team: 'payments' }, annotations: {} },
          ticket: { labels: { team: 'payments' }, annotations: {} },
        },
      }),
    ]);
    expect(slos[0].unsupported).toBeUndefined();
  });

  it('accepts a list of documents as one item (a YAML file holding a list)', () => {
    const { slos } = parseOpenSlo([[prometheusSlo(), latencySli], [dataSource, policy]]);
    expect(slos).toHaveLength(1);
  });

  it('names the document and field of each problem', () => {
    const { slos, problems } = parseOpenSlo([
      prometheusSlo({}, { objectives: [{ target: 1.5 }], timeWindow: [{ duration: '30 days' }] }),
      prometheusSlo({ metadata: { name: 'orphan' } }, { indicatorRef: 'missing' }),
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          document: 'SLO/checkout-latency',
          path: 'spec.objectives[0].target',
          severity: 'invalid',
        }),
        expect.objectContaining({
          document: 'SLO/checkout-latency',
          path: 'spec.timeWindow[0].duration',
          message: expect.stringMatching(/duration shorthand/),
        }),
        {
          document: 'SLO/orphan',
          path: 'spec.indicatorRef',
          message: 'no SLI named "missing" among the documents',
          severity: 'invalid',
        },
      ]),
    );
    expect(slos).toEqual([]);
  });

  it('refuses target and targetPercent together', () => {
    const { problems } = parseOpenSlo([
      prometheusSlo({}, { objectives: [{ target: 0.99, targetPercent: 99 }] }),
    ]);
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: 'spec.objectives[0].target',
        message: 'exactly one of target or targetPercent is required',
      }),
    );
  });

  it('reads rolling 7d, 28d and 30d windows', () => {
    for (const [duration, days] of [['7d', 7], ['28d', 28], ['30d', 30], ['4w', 28]] as const) {
      const { slos } = parseOpenSlo([
        prometheusSlo({}, { timeWindow: [{ duration, isRolling: true }] }),
        latencySli,
        dataSource,
        policy,
      ]);
      expect(slos[0].window).toEqual({ kind: 'rolling', seconds: days * 86400 });
    }
  });
});
