import {
  alertPolicy,
  alertStates,
  budgetConsumed,
  burnRate,
  burnWindows,
  BurnWindow,
  calendarPeriod,
  errorBudget,
  evaluateCounts,
  formatPromDuration,
  periodSeconds,
  SliStatus,
  sliErrorRatioTemplate,
  SloDefinition,
  SloHistoryPoint,
  SloSli,
  sloStatus,
  sloWindowAt,
} from '@pilothouse/plugin-slo-common';
import type { SloFigures } from '../../database/DatabaseSloStore';
import { PrometheusApi, PrometheusError } from '../Prometheus/PrometheusClient';

const WINDOW_PLACEHOLDER = /\{\{\s*\.window\s*\}\}/g;

/** The SLI's PromQL with the `{{.window}}` placeholder set to a range. */
export function atWindow(template: string, duration: string): string {
  return template.replace(WINDOW_PLACEHOLDER, duration);
}

/** Good and total events per range, as PromQL templates; for charts. */
function countTemplates(sli: SloSli): {
  good?: string;
  bad?: string;
  total: string;
} {
  switch (sli.type) {
    case 'ratio':
      return sli.bad !== undefined
        ? { bad: sli.bad, total: sli.total }
        : { good: sli.good, total: sli.total };
    case 'threshold': {
      const matchers = [sli.matchers, `le="${sli.le}"`]
        .filter(m => m.trim())
        .join(',');
      return {
        good: `sum(rate(${sli.histogram}_bucket{${matchers}}[{{.window}}]))`,
        total: `sum(rate(${sli.histogram}_count{${sli.matchers}}[{{.window}}]))`,
      };
    }
    default:
      // A raw error ratio has no counts: each step weighs the same.
      return { bad: sli.errorRatio, total: 'vector(1)' };
  }
}

/** Figures for an SLO that could not be evaluated. */
export function unknownFigures(def: SloDefinition, now: Date): SloFigures {
  return {
    objective: def.objective,
    window: sloWindowAt(def.window, now),
    sli: { type: sliType(def.sli), value: null },
    budgetTotal: errorBudget(def.objective),
    budgetConsumed: null,
    budgetRemaining: null,
    burnRates: {},
    alerts: [],
    status: 'unknown',
  };
}

function sliType(sli: SloSli): SliStatus['type'] {
  return sli.type === 'threshold' ? 'threshold' : 'ratio';
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping order. */
async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

export interface SloEvaluatorOptions {
  prometheus: PrometheusApi;
  /** Queries in flight at once per evaluation. Default 8. */
  concurrency?: number;
}

/**
 * Evaluates an SLO against Prometheus: the error ratio over each burn
 * window (scaled to the SLO's period) and over the SLO's window so far,
 * then the budget, burn rates and alert states with slo-common's
 * arithmetic (the Google SRE workbook's).
 */
export class SloEvaluator {
  private readonly concurrency: number;

  constructor(private readonly options: SloEvaluatorOptions) {
    this.concurrency = options.concurrency ?? 8;
  }

  /** The error ratio over a range ending at `now`; null without traffic. */
  private async errorRatio(
    template: string,
    duration: string,
    now: Date,
  ): Promise<number | null> {
    const samples = await this.options.prometheus.query(
      atWindow(template, duration),
      now,
    );
    if (samples.length > 1) {
      throw new PrometheusError(
        `the SLI query answers ${samples.length} series; it must aggregate to one (wrap it in sum(...))`,
        false,
      );
    }
    const value = samples[0]?.value;
    return value === undefined || !Number.isFinite(value) ? null : value;
  }

  /** Throws PrometheusError when Prometheus cannot answer. */
  async evaluate(def: SloDefinition, now: Date): Promise<SloFigures> {
    if (def.unsupported?.length) {
      throw new PrometheusError(
        `cannot be evaluated: ${def.unsupported.join('; ')}`,
        false,
      );
    }
    const period = periodSeconds(def.window);
    const windows = burnWindows(period);
    const current = calendarPeriod(def.window, now);
    const elapsed = Math.max(
      1,
      Math.round((now.getTime() - current.start.getTime()) / 1000),
    );
    const template = sliErrorRatioTemplate(def.sli);
    const ranges = [
      ...windows.map(w => w.duration),
      formatPromDuration(elapsed),
    ];
    const ratios = await mapLimit(ranges, this.concurrency, range =>
      this.errorRatio(template, range, now),
    );
    const burnRates: Partial<Record<BurnWindow, number | null>> = {};
    windows.forEach((w, i) => {
      burnRates[w.window] = burnRate(ratios[i], def.objective);
    });
    const periodRatio = ratios[ratios.length - 1];
    const alerts = alertStates(burnRates, alertPolicy(period));
    const consumed = budgetConsumed(periodRatio, def.objective);
    return {
      objective: def.objective,
      window: sloWindowAt(def.window, now),
      sli: {
        type: sliType(def.sli),
        value: periodRatio === null ? null : 1 - periodRatio,
        queries: this.displayQueries(def.sli, formatPromDuration(elapsed)),
      },
      budgetTotal: errorBudget(def.objective),
      budgetConsumed: consumed,
      budgetRemaining: 1 - consumed,
      burnRates,
      alerts,
      status: sloStatus(alerts),
    };
  }

  private displayQueries(sli: SloSli, duration: string): SliStatus['queries'] {
    if (sli.type === 'raw') {
      return { bad: atWindow(sli.errorRatio, duration), total: '1' };
    }
    const counts = countTemplates(sli);
    return {
      good: counts.good && atWindow(counts.good, duration),
      bad: counts.bad && atWindow(counts.bad, duration),
      total: atWindow(counts.total, duration),
    };
  }

  /**
   * The SLI and budget remaining over the SLO's window so far, in about
   * `points` steps: events counted per step with query_range, then
   * accumulated from the window's start (a burn-down).
   */
  async history(
    def: SloDefinition,
    now: Date,
    points = 120,
  ): Promise<SloHistoryPoint[]> {
    const current = calendarPeriod(def.window, now);
    const span = (now.getTime() - current.start.getTime()) / 1000;
    const step = Math.max(60, Math.ceil(span / points));
    const stepDuration = formatPromDuration(step);
    const start = new Date(current.start.getTime() + step * 1000);
    if (start > now) return [];
    const counts = countTemplates(def.sli);
    const run = async (template: string | undefined) => {
      if (!template) return undefined;
      const series = await this.options.prometheus.queryRange(
        atWindow(template, stepDuration),
        start,
        now,
        step,
      );
      if (series.length > 1) {
        throw new PrometheusError(
          `the SLI query answers ${series.length} series; it must aggregate to one (wrap it in sum(...))`,
          false,
        );
      }
      // Per-second rates times the step: events in each step.
      return new Map(
        (series[0]?.points ?? []).map(([t, v]) => [
          t,
          Number.isFinite(v) ? v * (def.sli.type === 'raw' ? 1 : step) : 0,
        ]),
      );
    };
    const [good, bad, total] = await Promise.all([
      run(counts.good),
      run(counts.bad),
      run(counts.total),
    ]);
    const samples = [...(total?.entries() ?? [])].map(([t, n]) => {
      const goodCount =
        good !== undefined ? good.get(t) ?? 0 : n - (bad?.get(t) ?? 0);
      return {
        t: t * 1000,
        total: n,
        good: Math.max(0, goodCount),
      };
    });
    return evaluateCounts(samples, def.objective).burnDown;
  }
}
