import type { BurnWindow } from './types';

/**
 * One SLO as Pilothouse evaluates it and generates rules for it: what the
 * OpenSLO and Sloth parsers produce. An OpenSLO SLO with several objectives
 * becomes several definitions (one per objective), as in Sloth.
 */
export interface SloDefinition {
  /** OpenSLO `metadata.name` or the Sloth SLO's `name`. */
  name: string;
  displayName?: string;
  description?: string;
  /** The service the SLO measures (OpenSLO `spec.service`, Sloth `service`). */
  service: string;
  /** Labels put on every generated rule (OpenSLO list values are joined with `,`). */
  labels: Record<string, string>;
  /** Target as a fraction, 0.999 for 99.9 %. */
  objective: number;
  window: SloDefinitionWindow;
  /** Only `Occurrences` is evaluated; the others are listed in `unsupported`. */
  budgetingMethod: 'Occurrences' | 'Timeslices' | 'RatioTimeslices';
  sli: SloSli;
  /** Multi-window multi-burn-rate alerts to generate; absent when the SLO asks for none. */
  alerting?: SloAlerting;
  /** Where the definition came from (used for rule ids and `sloth_spec`). */
  source: SloSource;
  /**
   * Why Pilothouse cannot evaluate this SLO (each reason is also reported as a
   * problem); absent when it can.
   */
  unsupported?: string[];
}

export interface SloSource {
  format:
    | 'openslo/v1'
    | 'openslo/v1alpha'
    | 'prometheus/v1'
    | 'sloth.slok.dev/v1';
  /** Index of the OpenSLO objective this definition was made from. */
  objectiveIndex?: number;
  /** OpenSLO `alertPolicies` the SLO names (references and inline names). */
  alertPolicies?: string[];
}

/** How an SLO's period is measured. */
export type SloDefinitionWindow =
  | {
      kind: 'rolling';
      /** Length of the window in seconds. */
      seconds: number;
    }
  | {
      kind: 'calendar';
      unit: CalendarUnit;
      /** IANA time zone, `UTC` when the document names none. */
      timeZone: string;
      /** OpenSLO `calendar.startTime` (local time in `timeZone`), the anchor of the periods. */
      startTime?: string;
    };

export type CalendarUnit = 'day' | 'week' | 'month' | 'quarter' | 'year';

/**
 * PromQL of the SLI. Queries use Sloth's `{{.window}}` placeholder for the
 * range (`rate(x[{{.window}}])`), replaced by each burn window.
 */
export type SloSli =
  | { type: 'ratio'; good: string; bad?: undefined; total: string }
  | { type: 'ratio'; bad: string; good?: undefined; total: string }
  /** A query that answers the error ratio itself (Sloth `raw`, OpenSLO `raw`). */
  | { type: 'raw'; errorRatio: string }
  /**
   * Latency from a Prometheus histogram: good events are the observations
   * at or under `le` (`<histogram>_bucket{le="…"}`), total is `<histogram>_count`.
   */
  | {
      type: 'threshold';
      /** Metric name without `_bucket` / `_count`. */
      histogram: string;
      /** Label matchers without braces, e.g. `job="web"`; may be empty. */
      matchers: string;
      /** The bucket bound, as the `le` label spells it. */
      le: string;
    };

export interface SloAlerting {
  /** Alert name (Sloth `alerting.name`). */
  name: string;
  page?: SloAlertMeta;
  ticket?: SloAlertMeta;
}

export interface SloAlertMeta {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A problem found in a document: `path` names the field (`spec.objectives[0].target`). */
export interface SloProblem {
  /** `<kind>/<name>` of the document, or `#<index>` when it has no name. */
  document: string;
  path: string;
  message: string;
  /**
   * `invalid`: the document breaks its specification. `unsupported`: valid,
   * but Pilothouse cannot evaluate it (not Prometheus, Timeslices, ...).
   */
  severity: 'invalid' | 'unsupported';
}

export interface SloParseResult {
  slos: SloDefinition[];
  problems: SloProblem[];
}

export type { BurnWindow };
