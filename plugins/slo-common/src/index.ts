/**
 * The SLO contract and library: what `/api/slo` answers, shared by the SLO
 * backend, the SLO pages and the gateway's policy (which asks whether an
 * entity is burning), plus the pure SLO arithmetic, the OpenSLO and Sloth
 * parsers and the Prometheus rule generator that backend and pages share.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './api';
export * from './catalog';
export type {
  CalendarUnit,
  SloAlerting,
  SloAlertMeta,
  SloDefinition,
  SloDefinitionWindow,
  SloParseResult,
  SloProblem,
  SloSli,
  SloSource,
} from './definition';
export { parseOpenSlo } from './openslo';
export { parseSlothSpec } from './sloth';
export {
  alertPolicy,
  alertStates,
  budgetConsumed,
  budgetRemaining,
  burnRate,
  burnWindows,
  errorBudget,
  sloStatus,
  BURN_WINDOW_SECONDS,
  WORKBOOK_PERIOD_SECONDS,
} from './arithmetic';
export type { BurnRateAlert, ScaledBurnWindow } from './arithmetic';
export { calendarPeriod, periodSeconds, sloWindowAt } from './calendar';
export type { SloPeriod } from './calendar';
export { evaluateCounts } from './counts';
export type { CountEvaluation, CountSample } from './counts';
export {
  generatePrometheusRules,
  rulesToYaml,
  sliErrorRatioTemplate,
  slothIdentity,
} from './rules';
export type {
  AlertingRule,
  RecordingRule,
  RuleGenerationOptions,
  RuleGroup,
} from './rules';
export { formatPromDuration, parsePromDuration } from './duration';
