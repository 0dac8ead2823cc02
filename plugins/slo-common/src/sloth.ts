import { z } from 'zod';
import type {
  SloAlertMeta,
  SloDefinition,
  SloParseResult,
  SloProblem,
  SloSli,
} from './definition';
import { formatPath, roundFraction } from './openslo';
import { DURATION_SECONDS } from './duration';

/** Sloth's default SLO period (`--default-slo-period`). */
const SLOTH_PERIOD_SECONDS = 30 * DURATION_SECONDS.DAY;

const labels = z.record(z.string(), z.coerce.string()).optional().nullable();

/** One spelling of Sloth's spec: `prometheus/v1` is snake_case, the Kubernetes resource camelCase. */
function slothSchema(keys: {
  errorQuery: string;
  totalQuery: string;
  errorRatioQuery: string;
  pageAlert: string;
  ticketAlert: string;
  sloPlugins: string;
}) {
  const alert = z
    .object({
      disable: z.boolean().optional(),
      labels,
      annotations: labels,
    })
    .optional()
    .nullable();
  return z.object({
    service: z.string({ error: 'is required' }).min(1, 'is required'),
    labels,
    [keys.sloPlugins]: z.unknown().optional(),
    slos: z
      .array(
        z.object({
          name: z
            .string({ error: 'is required' })
            .regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/, 'must be a name of letters, digits, -, _ and .'),
          description: z.string().optional(),
          objective: z
            .number({ error: 'is required (a percentage)' })
            .gt(0, 'must be above 0 (a percentage)')
            .lte(100, 'must be at most 100 (a percentage)'),
          labels,
          plugins: z.unknown().optional(),
          sli: z
            .object({
              events: z
                .object({
                  [keys.errorQuery]: z.string().min(1, 'is required'),
                  [keys.totalQuery]: z.string().min(1, 'is required'),
                })
                .optional(),
              raw: z
                .object({ [keys.errorRatioQuery]: z.string().min(1, 'is required') })
                .optional(),
              plugin: z.object({ id: z.string() }).passthrough().optional(),
            })
            .superRefine((sli, ctx) => {
              const count = [sli.events, sli.raw, sli.plugin].filter(Boolean).length;
              if (count !== 1) {
                ctx.addIssue({
                  code: 'custom',
                  path: [],
                  message: 'exactly one of events, raw or plugin is required',
                });
              }
            }),
          alerting: z
            .object({
              name: z.string().optional(),
              labels,
              annotations: labels,
              [keys.pageAlert]: alert,
              [keys.ticketAlert]: alert,
            })
            .optional()
            .nullable(),
        }),
        { error: 'is required' },
      )
      .min(1, 'must hold at least one SLO'),
  });
}

const snake = slothSchema({
  errorQuery: 'error_query',
  totalQuery: 'total_query',
  errorRatioQuery: 'error_ratio_query',
  pageAlert: 'page_alert',
  ticketAlert: 'ticket_alert',
  sloPlugins: 'slo_plugins',
});
const camel = slothSchema({
  errorQuery: 'errorQuery',
  totalQuery: 'totalQuery',
  errorRatioQuery: 'errorRatioQuery',
  pageAlert: 'pageAlert',
  ticketAlert: 'ticketAlert',
  sloPlugins: 'sloPlugins',
});

/**
 * Reads a Sloth spec, `prometheus/v1` or the Kubernetes
 * `sloth.slok.dev/v1` `PrometheusServiceLevel`, into definitions with
 * Sloth's 30-day period. SLI plugins and SLO plugins run Go code inside
 * Sloth, so specs using them are reported as unsupported.
 */
export function parseSlothSpec(doc: unknown): SloParseResult {
  const raw = (doc && typeof doc === 'object' ? doc : {}) as Record<string, any>;
  const problems: SloProblem[] = [];
  let format: 'prometheus/v1' | 'sloth.slok.dev/v1';
  let body: unknown;
  let label: string;
  let schema: typeof snake;
  let prefix: string;
  if (raw.version === 'prometheus/v1') {
    format = 'prometheus/v1';
    body = raw;
    label = `prometheus/v1/${raw.service ?? '#0'}`;
    schema = snake;
    prefix = '';
  } else if (raw.apiVersion === 'sloth.slok.dev/v1' && raw.kind === 'PrometheusServiceLevel') {
    format = 'sloth.slok.dev/v1';
    body = raw.spec;
    label = `PrometheusServiceLevel/${raw.metadata?.name ?? '#0'}`;
    schema = camel;
    prefix = 'spec.';
  } else {
    return {
      slos: [],
      problems: [
        {
          document: '#0',
          path: raw.apiVersion ? 'apiVersion' : 'version',
          message:
            'not a Sloth spec: expected version prometheus/v1 or apiVersion sloth.slok.dev/v1 with kind PrometheusServiceLevel',
          severity: 'invalid',
        },
      ],
    };
  }
  const camelCase = format === 'sloth.slok.dev/v1';
  const key = (snakeKey: string, camelKey: string) => (camelCase ? camelKey : snakeKey);

  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    return {
      slos: [],
      problems: parsed.error.issues.map(issue => ({
        document: label,
        path: prefix + formatPath(issue.path),
        message: issue.message,
        severity: 'invalid' as const,
      })),
    };
  }
  const spec = parsed.data as any;
  if (spec[key('slo_plugins', 'sloPlugins')]) {
    problems.push({
      document: label,
      path: `${prefix}${key('slo_plugins', 'sloPlugins')}`,
      message: 'Sloth SLO plugins are not supported; rules are generated without them',
      severity: 'unsupported',
    });
  }

  const slos = (spec.slos as any[]).map((slo, index): SloDefinition => {
    const at = `${prefix}slos[${index}]`;
    const unsupported: string[] = [];
    const report = (path: string, message: string) => {
      problems.push({ document: label, path, message, severity: 'unsupported' });
      unsupported.push(`${path}: ${message}`);
    };
    if (slo.plugins) {
      report(`${at}.plugins`, 'Sloth SLO plugins are not supported; rules are generated without them');
    }
    let sli: SloSli;
    if (slo.sli.events) {
      sli = {
        type: 'ratio',
        bad: slo.sli.events[key('error_query', 'errorQuery')],
        total: slo.sli.events[key('total_query', 'totalQuery')],
      };
    } else if (slo.sli.raw) {
      sli = { type: 'raw', errorRatio: slo.sli.raw[key('error_ratio_query', 'errorRatioQuery')] };
    } else {
      report(`${at}.sli.plugin`, `Sloth SLI plugin ${slo.sli.plugin.id} is not supported`);
      sli = { type: 'raw', errorRatio: 'vector(0)' };
    }
    const alerting = slo.alerting ?? {};
    const alertMeta = (alert: any): SloAlertMeta | undefined =>
      alert?.disable
        ? undefined
        : {
            labels: { ...alerting.labels, ...alert?.labels },
            annotations: { ...alerting.annotations, ...alert?.annotations },
          };
    const page = alertMeta(alerting[key('page_alert', 'pageAlert')]);
    const ticket = alertMeta(alerting[key('ticket_alert', 'ticketAlert')]);
    if ((page || ticket) && !alerting.name) {
      problems.push({
        document: label,
        path: `${at}.alerting.name`,
        message: 'is required unless both page and ticket alerts are disabled',
        severity: 'invalid',
      });
    }
    return {
      name: slo.name,
      description: slo.description,
      service: spec.service,
      labels: { ...spec.labels, ...slo.labels },
      objective: roundFraction(slo.objective / 100),
      window: { kind: 'rolling', seconds: SLOTH_PERIOD_SECONDS },
      budgetingMethod: 'Occurrences',
      sli,
      alerting:
        page || ticket ? { name: alerting.name ?? slo.name, page, ticket } : undefined,
      source: { format },
      unsupported: unsupported.length ? unsupported : undefined,
    };
  });
  return { slos, problems };
}
