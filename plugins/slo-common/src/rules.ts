import { stringify } from 'yaml';
import type { SloDefinition, SloSli } from './definition';
import { burnWindows, ScaledBurnWindow, workbookFactor } from './arithmetic';
import { periodSeconds } from './calendar';
import { formatPromDuration } from './duration';
import { WINDOW_PLACEHOLDER } from './openslo';

/** A Prometheus recording rule. */
export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** A Prometheus alerting rule. */
export interface AlertingRule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: Array<RecordingRule | AlertingRule>;
}

export interface RuleGenerationOptions {
  /** Labels added to every recording rule (Sloth's `--extra-labels`). */
  extraLabels?: Record<string, string>;
  /** `sloth_version` of `sloth_slo_info`; `pilothouse` by default. */
  version?: string;
  /** `sloth_mode` of `sloth_slo_info`; by default what Sloth's CLI would say for the spec's format. */
  mode?: string;
}

const SLI_ERROR_METRIC = 'slo:sli_error:ratio_rate';
const WINDOW_LABEL = 'sloth_window';

/**
 * The identity of an SLO in the generated rules, as Sloth names it:
 * `<service>-<name>` for Sloth specs; OpenSLO objectives get their index
 * (`<name>-<index>`), since one OpenSLO SLO may hold several.
 */
export function slothIdentity(slo: SloDefinition): {
  id: string;
  slo: string;
  service: string;
} {
  const name =
    slo.source.objectiveIndex === undefined
      ? slo.name
      : `${slo.name}-${slo.source.objectiveIndex}`;
  return { id: `${slo.service}-${name}`, slo: name, service: slo.service };
}

/**
 * The Prometheus rule groups Sloth generates for the SLO: SLI error ratios
 * per burn window and over the period, meta recordings (objective, budget,
 * burn rates, budget remaining, info), and the multi-window multi-burn-rate
 * page and ticket alerts when the SLO asks for alerts. The windows are
 * scaled to the SLO's period (see `burnWindows`): at 30 days they are
 * Sloth's; for other periods Sloth keeps the 30-day windows and lowers the
 * factors instead (28 days: 13.44, 5.6, 2.8, 0.93), while Pilothouse keeps
 * the factors, so the rules and the SLO page agree on when an alert fires.
 */
export function generatePrometheusRules(
  slo: SloDefinition,
  options: RuleGenerationOptions = {},
): RuleGroup[] {
  const identity = slothIdentity(slo);
  const idLabels = {
    sloth_id: identity.id,
    sloth_service: identity.service,
    sloth_slo: identity.slo,
  };
  const filter = promFilter(idLabels);
  const labels = { ...idLabels, ...slo.labels, ...options.extraLabels };
  const period = periodSeconds(slo.window);
  const periodDuration = formatPromDuration(period);
  const windows = new Map(burnWindows(period).map(w => [w.window, w]));
  const win = (key: Parameters<typeof windows.get>[0]) => windows.get(key)!;
  const metric = (w: ScaledBurnWindow | string) =>
    `${SLI_ERROR_METRIC}${typeof w === 'string' ? w : w.duration}`;

  const errorRatio = sliErrorRatioTemplate(slo.sli);
  const sliRules: RecordingRule[] = [...windows.values()].map(w => ({
    record: metric(w),
    expr: errorRatio.replace(new RegExp(WINDOW_PLACEHOLDER.source, 'g'), w.duration),
    labels: sortKeys({ ...labels, [WINDOW_LABEL]: w.duration }),
  }));
  // The period's ratio averages the shortest window's (Sloth's optimisation:
  // a 30-day range over raw series would be costly).
  sliRules.push({
    record: metric(periodDuration),
    expr:
      `sum_over_time(${metric(win('5m'))}${filter}[${periodDuration}])\n` +
      `/ ignoring (${WINDOW_LABEL})\n` +
      `count_over_time(${metric(win('5m'))}${filter}[${periodDuration}])\n`,
    labels: sortKeys({ ...labels, [WINDOW_LABEL]: periodDuration }),
  });

  // Sloth works in percent; computing from it reproduces its numbers to the
  // last digit (99.9 / 100 = 0.9990000000000001, (100 - 99.9) / 100 = 0.0009999999999999432).
  const percent = Number((slo.objective * 100).toPrecision(12));
  const objectiveRatio = percent / 100;
  const budgetRatio = (100 - percent) / 100;
  const burnRateExpr = (sliMetric: string) =>
    `${sliMetric}${filter}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${filter}\n`;
  const metaLabels = sortKeys(labels);
  const metaRules: RecordingRule[] = [
    { record: 'slo:objective:ratio', expr: `vector(${goFloat(objectiveRatio)})`, labels: metaLabels },
    { record: 'slo:error_budget:ratio', expr: `vector(1-${goFloat(objectiveRatio)})`, labels: metaLabels },
    { record: 'slo:time_period:days', expr: `vector(${goFloat(period / 86400)})`, labels: metaLabels },
    { record: 'slo:current_burn_rate:ratio', expr: burnRateExpr(metric(win('5m'))), labels: metaLabels },
    { record: 'slo:period_burn_rate:ratio', expr: burnRateExpr(metric(periodDuration)), labels: metaLabels },
    {
      record: 'slo:period_error_budget_remaining:ratio',
      expr: `1 - slo:period_burn_rate:ratio${filter}`,
      labels: metaLabels,
    },
    {
      record: 'sloth_slo_info',
      expr: 'vector(1)',
      labels: sortKeys({
        ...labels,
        sloth_version: options.version ?? 'pilothouse',
        sloth_mode: options.mode ?? SLOTH_MODES[slo.source.format],
        sloth_spec: slo.source.format,
        sloth_objective: String(percent),
      }),
    },
  ];

  const groups: RuleGroup[] = [
    { name: `sloth-slo-sli-recordings-${identity.id}`, rules: sliRules },
    { name: `sloth-slo-meta-recordings-${identity.id}`, rules: metaRules },
  ];

  const alerts: AlertingRule[] = [];
  const mwmbr = (
    quick: [ScaledBurnWindow, ScaledBurnWindow, number],
    slow: [ScaledBurnWindow, ScaledBurnWindow, number],
  ) => {
    const pair = ([short, long, factor]: [ScaledBurnWindow, ScaledBurnWindow, number]) => {
      const side = (w: ScaledBurnWindow) =>
        `    max(${metric(w)}${filter} > (${goFloat(factor)} * ${goFloat(budgetRatio)})) without (${WINDOW_LABEL})`;
      return `(\n${side(short)}\n    and\n${side(long)}\n)`;
    };
    return `${pair(quick)}\nor\n${pair(slow)}\n`;
  };
  const severities = [
    {
      severity: 'page',
      meta: slo.alerting?.page,
      // page: 2 % of the budget in 1h (14.4), 5 % in 6h (6)
      expr: () =>
        mwmbr(
          [win('5m'), win('1h'), workbookFactor(2, '1h')],
          [win('30m'), win('6h'), workbookFactor(5, '6h')],
        ),
    },
    {
      severity: 'ticket',
      meta: slo.alerting?.ticket,
      // ticket: 10 % in 1d (3), 10 % in 3d (1), as Sloth generates it
      expr: () =>
        mwmbr(
          [win('2h'), win('1d'), workbookFactor(10, '1d')],
          [win('6h'), win('3d'), workbookFactor(10, '3d')],
        ),
    },
  ] as const;
  for (const { severity, meta, expr } of severities) {
    if (!slo.alerting || !meta) continue;
    alerts.push({
      alert: slo.alerting.name,
      expr: expr(),
      labels: sortKeys({ sloth_severity: severity, ...meta.labels }),
      annotations: sortKeys({
        title: `(${severity}) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.`,
        summary: '{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.',
        ...meta.annotations,
      }),
    });
  }
  if (alerts.length > 0) {
    groups.push({ name: `sloth-slo-alerts-${identity.id}`, rules: alerts });
  }
  return groups;
}

const SLOTH_MODES: Record<SloDefinition['source']['format'], string> = {
  'prometheus/v1': 'cli-gen-prom',
  'sloth.slok.dev/v1': 'cli-gen-k8s',
  'openslo/v1': 'cli-gen-openslo',
  'openslo/v1alpha': 'cli-gen-openslo',
};

/**
 * The SLI's error ratio as PromQL with the `{{.window}}` placeholder, in
 * the shape Sloth renders it: `(bad)/(total)` for events, `1 - (good/total)`
 * for OpenSLO good queries, the query itself for raw ratios.
 */
export function sliErrorRatioTemplate(sli: SloSli): string {
  switch (sli.type) {
    case 'raw':
      return `(${sli.errorRatio})`;
    case 'threshold':
      return goodRatio(
        `sum(rate(${sli.histogram}_bucket{${joinMatchers(sli.matchers, `le="${sli.le}"`)}}[{{.window}}]))`,
        `sum(rate(${sli.histogram}_count{${sli.matchers}}[{{.window}}]))`,
      );
    case 'ratio':
      return sli.bad !== undefined
        ? `(${sli.bad})\n/\n(${sli.total})\n`
        : goodRatio(sli.good, sli.total);
    default:
      throw new Error('unknown SLI type');
  }
}

function goodRatio(good: string, total: string): string {
  return `(\n  1 - (\n    (\n      ${good}\n    )\n    /\n    (\n      ${total}\n    )\n  )\n)`;
}

function joinMatchers(...matchers: string[]): string {
  return matchers.filter(m => m.trim()).join(',');
}

/** `{a="x", b="y"}` with sorted names, as Prometheus prints a label set. */
function promFilter(labels: Record<string, string>): string {
  const body = Object.keys(labels)
    .sort()
    .map(key => `${key}=${JSON.stringify(labels[key])}`)
    .join(', ');
  return `{${body}}`;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map(key => [key, String(record[key])]),
  );
}

/**
 * A float as Go's `%g`/`%v` prints it: shortest digits, exponent form below
 * 1e-4 and from 1e6 (`1e-05`, `1e+06`), which is how Sloth writes numbers.
 */
export function goFloat(value: number): string {
  if (!Number.isFinite(value) || value === 0) {
    return String(value);
  }
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

/** The groups as a Prometheus rule file (`groups:` at the top). */
export function rulesToYaml(groups: RuleGroup[]): string {
  return stringify({ groups }, { lineWidth: 0 });
}
