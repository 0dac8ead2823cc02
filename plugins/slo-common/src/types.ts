/** The burn-rate windows every SLO is evaluated over (scaled to a 30-day period). */
export const BURN_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type BurnWindow = (typeof BURN_WINDOWS)[number];

/** How an SLO's period is measured (OpenSLO `timeWindow`). */
export type SloWindow =
  | { kind: 'rolling'; /** `7d`, `28d`, `30d` */ duration: string }
  | {
      kind: 'calendar';
      /** `month`, `quarter` (also `week`, `year`) */
      unit: string;
      /** IANA time zone of the calendar, `UTC` by default. */
      timeZone: string;
      /** Start of the current calendar period (ISO 8601). */
      start: string;
    };

/** The SLI as measured now over the SLO's window. */
export interface SliStatus {
  /** `ratio` (good/total or bad/total) or `threshold` (latency from a histogram). */
  type: 'ratio' | 'threshold';
  /** Fraction of good events over the window (0..1); null when there was no traffic. */
  value: number | null;
  /** The PromQL the backend ran for good and total (shown on the SLO page). */
  queries?: { good?: string; bad?: string; total: string };
}

/**
 * One alert of the multi-window multi-burn-rate policy (Google SRE workbook):
 * page at 14.4 over 1h and 5m, page at 6 over 6h and 30m, ticket at 1 over
 * 3d and 6h (windows scaled to the SLO period).
 */
export interface SloAlertState {
  name: 'page-fast' | 'page-slow' | 'ticket';
  severity: 'page' | 'ticket';
  /** Burn-rate factor both windows must exceed. */
  threshold: number;
  /** The windows' names at a 30-day period (keys of `burnRates`): `1h`, `5m`. */
  longWindow: string;
  shortWindow: string;
  /** The windows scaled to the SLO's period, as Prometheus spells them (`14m`, `1m10s` for 7 days). */
  longDuration?: string;
  shortDuration?: string;
  longBurnRate: number | null;
  shortBurnRate: number | null;
  firing: boolean;
}

/** One SLO as listed by `GET /api/slo/v1/slos`. */
export interface SloSummary {
  /** The SLO entity, `slo:<namespace>/<name>`. */
  entityRef: string;
  title: string;
  description?: string;
  /** The component (or other entity) the SLO measures. */
  targetRef?: string;
  ownerRef?: string;
  systemRef?: string;
  /** Target as a fraction, 0.999 for 99.9 %. */
  objective: number;
  window: SloWindow;
  sli: SliStatus;
  /** Error budget of the window as a fraction of events (1 - objective). */
  budgetTotal: number;
  /** Fraction of the budget consumed so far (may exceed 1). */
  budgetConsumed: number | null;
  /** 1 - budgetConsumed (negative when overspent); null when unknown. */
  budgetRemaining: number | null;
  burnRates: Partial<Record<BurnWindow, number | null>>;
  alerts: SloAlertState[];
  /** `burning` when a page alert fires, `warning` for a ticket, `unknown` when not evaluated. */
  status: 'ok' | 'warning' | 'burning' | 'unknown';
  /** When these figures were computed (ISO 8601). */
  evaluatedAt?: string;
  /** Since when the SLO has had this status (ISO 8601): "burning since 09:12". */
  statusSince?: string;
  /** Set when Prometheus could not be reached: the figures are the last evaluation's. */
  error?: string;
}

/** A point of an SLO's history over its window (charts). */
export interface SloHistoryPoint {
  /** ISO 8601 */
  t: string;
  sli: number | null;
  budgetRemaining: number | null;
}
