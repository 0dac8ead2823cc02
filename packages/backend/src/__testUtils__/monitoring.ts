import fs from 'node:fs';
import { parse } from 'yaml';

/** Where the monitoring files live, from the repository root. */
export const MONITORING = {
  dashboard: 'deploy/monitoring/grafana/pilothouse-overview.json',
  alerts: 'deploy/monitoring/prometheus/pilothouse-alerts.yaml',
  sloRules: 'deploy/monitoring/prometheus/pilothouse-slo-rules.yaml',
  slos: 'catalog/pilothouse-slos.yaml',
};

/** The PromQL expressions of a dashboard's panels and variables. */
export function dashboardExpressions(dashboard: any): string[] {
  const exprs: string[] = [];
  const panels: any[] = (dashboard.panels ?? []).flatMap((p: any) => [
    p,
    ...(p.panels ?? []),
  ]);
  for (const panel of panels) {
    for (const target of panel.targets ?? []) {
      if (typeof target.expr === 'string') exprs.push(target.expr);
    }
  }
  for (const variable of dashboard.templating?.list ?? []) {
    const query =
      typeof variable.query === 'string'
        ? variable.query
        : variable.query?.query;
    // label_values(metric, label) is Grafana's, not PromQL: its metric counts.
    const metric = /^label_values\(\s*([^,\s)]+)/.exec(query ?? '');
    if (metric) exprs.push(metric[1]);
  }
  return exprs;
}

/** The rule groups of a Prometheus rule file. */
export function ruleFileRules(
  text: string,
): Array<{ record?: string; alert?: string; expr: string }> {
  return (parse(text).groups ?? []).flatMap((g: any) => g.rules ?? []);
}

/**
 * Metric names a PromQL expression selects: an identifier followed by a
 * label matcher or a range (`name{...}`, `name[5m]`), or standing alone.
 * The files under deploy/monitoring write every selector that way.
 */
export function selectedMetrics(expr: string): string[] {
  if (/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(expr.trim())) return [expr.trim()];
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=[{[])/g)].map(
    m => m[1],
  );
}

/**
 * The metrics a dashboard (JSON) or a rule file (YAML) queries, without the
 * ones the rule file records itself.
 */
export function metricNamesIn(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  let exprs: string[];
  const recorded = new Set<string>();
  if (file.endsWith('.json')) {
    exprs = dashboardExpressions(JSON.parse(text));
  } else {
    const rules = ruleFileRules(text);
    rules.forEach(r => r.record && recorded.add(r.record));
    exprs = rules.map(r => r.expr);
  }
  const names = new Set(exprs.flatMap(selectedMetrics));
  return [...names].filter(name => !recorded.has(name)).sort();
}
