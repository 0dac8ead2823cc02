import path from 'path';
import { parse } from 'yaml';
import { parseOpenSlo } from './openslo';
import { parseSlothSpec } from './sloth';
import { generatePrometheusRules, goFloat, rulesToYaml, RuleGroup } from './rules';
import { SloDefinition, SloParseResult } from './definition';
import { fixturePath, listFiles, readYamlDocuments } from './__testUtils__/fixtures';

const examples = fixturePath('sloth/examples');
// What Sloth's example generator passes (`--extra-labels cmd=examplesgen.sh`, version `dev`).
const options = { extraLabels: { cmd: 'examplesgen.sh' }, version: 'dev' };

function parseSpecFile(file: string): SloParseResult {
  const docs = readYamlDocuments(file);
  const openslo = docs.filter(d => String((d as any).apiVersion ?? '').startsWith('openslo/'));
  const results = [
    ...(openslo.length ? [parseOpenSlo(openslo)] : []),
    ...docs.filter(d => !openslo.includes(d)).map(d => parseSlothSpec(d)),
  ];
  return {
    slos: results.flatMap(r => r.slos),
    problems: results.flatMap(r => r.problems),
  };
}

function expectedGroups(file: string): RuleGroup[] {
  return readYamlDocuments(file).flatMap((doc: any) =>
    doc.kind === 'PrometheusRule' ? doc.spec.groups : doc.groups,
  );
}

const normalise = (expr: string) => expr.replace(/\s+/g, ' ').trim();

function comparable(groups: RuleGroup[]) {
  return groups.map(group => ({
    name: group.name,
    rules: group.rules.map((rule: any) => ({
      ...rule,
      expr: normalise(rule.expr),
    })),
  }));
}

const specs = listFiles(examples, /\.ya?ml$/).filter(
  file => path.dirname(file) === examples,
);

describe('generated rules against Sloth’s published examples', () => {
  const skipped: Record<string, string[]> = {};

  it.each(specs.map(file => [path.basename(file), file]))('%s', (name, file) => {
    const parsed = parseSpecFile(file);
    if (parsed.problems.length > 0) {
      // Sloth plugins run Go code inside Sloth; the parser says so instead of guessing.
      expect(parsed.problems.every(p => p.severity === 'unsupported')).toBe(true);
      expect(parsed.problems.map(p => p.message).join('\n')).toMatch(/plugin/i);
      skipped[name] = parsed.problems.map(p => `${p.path}: ${p.message}`);
      return;
    }
    const generated = parsed.slos.flatMap(slo => generatePrometheusRules(slo, options));
    expect(comparable(generated)).toEqual(
      comparable(expectedGroups(path.join(examples, '_gen', name))),
    );
  });

  it('skips only the examples that use Sloth plugins', () => {
    expect(Object.keys(skipped).sort()).toEqual([
      'contrib-denominator-corrected.yaml',
      'contrib-slo-plugins.yml',
      'plugin-getting-started.yml',
      'plugin-k8s-getting-started.yml',
      'slo-plugin-getting-started.yml',
      'slo-plugin-k8s-getting-started.yml',
      'victoria-metrics.yml',
    ]);
  });
});

describe('generatePrometheusRules', () => {
  const base: SloDefinition = {
    name: 'checkout-availability',
    service: 'checkout',
    labels: { team: 'payments' },
    objective: 0.999,
    window: { kind: 'rolling', seconds: 30 * 86400 },
    budgetingMethod: 'Occurrences',
    sli: {
      type: 'ratio',
      bad: 'sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))',
      total: 'sum(rate(http_requests_total{job="checkout"}[{{.window}}]))',
    },
    alerting: {
      name: 'CheckoutAvailability',
      page: { labels: { severity: 'critical' }, annotations: {} },
      ticket: { labels: { severity: 'warning' }, annotations: {} },
    },
    source: { format: 'prometheus/v1' },
  };

  it('turns the OpenSLO getting-started example into Sloth’s rules', () => {
    const file = path.join(examples, 'openslo-getting-started.yml');
    const { slos, problems } = parseOpenSlo(readYamlDocuments(file));
    expect(problems).toEqual([]);
    expect(slos).toHaveLength(1);
    expect(slos[0]).toMatchObject({
      name: 'sloth-slo-my-service',
      service: 'my-service',
      objective: 0.999,
      window: { kind: 'rolling', seconds: 30 * 86400 },
      sli: { type: 'ratio' },
    });
    const groups = generatePrometheusRules(slos[0], options);
    // OpenSLO SLOs carry no Sloth alerting: recordings only, as Sloth generates them
    expect(groups.map(g => g.name)).toEqual([
      'sloth-slo-sli-recordings-my-service-sloth-slo-my-service-0',
      'sloth-slo-meta-recordings-my-service-sloth-slo-my-service-0',
    ]);
    expect(comparable(groups)).toEqual(
      comparable(expectedGroups(path.join(examples, '_gen', 'openslo-getting-started.yml'))),
    );
  });

  it('scales the windows of a 28-day SLO and keeps the factors', () => {
    // Deliberate difference from Sloth: for 28 days Sloth keeps 5m…3d and lowers
    // the factors (2 % × 672 h / 1 h = 13.44); Pilothouse scales the windows
    // (5m × 28/30 = 4m40s) and keeps 14.4, so rules and SLO page agree.
    const groups = generatePrometheusRules({
      ...base,
      window: { kind: 'rolling', seconds: 28 * 86400 },
    });
    const records = groups[0].rules.map((r: any) => r.record);
    expect(records).toEqual([
      'slo:sli_error:ratio_rate4m40s',
      'slo:sli_error:ratio_rate28m',
      'slo:sli_error:ratio_rate56m',
      'slo:sli_error:ratio_rate1h52m',
      'slo:sli_error:ratio_rate5h36m',
      'slo:sli_error:ratio_rate22h24m',
      'slo:sli_error:ratio_rate2d19h12m',
      'slo:sli_error:ratio_rate4w',
    ]);
    expect(groups[0].rules[0].expr).toContain('[4m40s]');
    const page = groups[2].rules[0];
    expect(page.expr).toContain('slo:sli_error:ratio_rate56m');
    expect(page.expr).toContain('(14.4 * 0.0009999999999999432)');
    expect(groups[1].rules.find((r: any) => r.record === 'slo:time_period:days')!.expr).toBe(
      'vector(28)',
    );
  });

  it('generates latency rules from a histogram', () => {
    const groups = generatePrometheusRules({
      ...base,
      sli: {
        type: 'threshold',
        histogram: 'http_request_duration_seconds',
        matchers: 'job="checkout"',
        le: '0.3',
      },
    });
    expect(normalise(groups[0].rules[2].expr)).toBe(
      '( 1 - ( ( sum(rate(http_request_duration_seconds_bucket{job="checkout",le="0.3"}[1h])) ) / ( sum(rate(http_request_duration_seconds_count{job="checkout"}[1h])) ) ) )',
    );
  });

  it('writes a rule file Prometheus reads', () => {
    const yaml = rulesToYaml(generatePrometheusRules(base));
    const file = parse(yaml);
    expect(file.groups.map((g: any) => g.name)).toEqual([
      'sloth-slo-sli-recordings-checkout-checkout-availability',
      'sloth-slo-meta-recordings-checkout-checkout-availability',
      'sloth-slo-alerts-checkout-checkout-availability',
    ]);
    expect(file.groups[2].rules.map((r: any) => [r.alert, r.labels])).toEqual([
      ['CheckoutAvailability', { severity: 'critical', sloth_severity: 'page' }],
      ['CheckoutAvailability', { severity: 'warning', sloth_severity: 'ticket' }],
    ]);
    expect(file.groups[1].rules.at(-1).labels).toMatchObject({
      sloth_objective: '99.9',
      sloth_version: 'pilothouse',
      team: 'payments',
    });
  });

  it('prints numbers as Sloth (Go) does', () => {
    expect(goFloat(0.9990000000000001)).toBe('0.9990000000000001');
    expect(goFloat((100 - 99.999) / 100)).toBe('1.0000000000047748e-05');
    expect(goFloat(14.4)).toBe('14.4');
    expect(goFloat(1e6)).toBe('1e+06');
    expect(goFloat(30)).toBe('30');
  });
});
