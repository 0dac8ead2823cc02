import { z } from 'zod';
import type {
  CalendarUnit,
  SloAlerting,
  SloDefinition,
  SloDefinitionWindow,
  SloParseResult,
  SloProblem,
  SloSli,
} from './definition';
import {
  DURATION_SECONDS,
  parseDurationShorthand,
  shorthandSeconds,
} from './duration';

const V1 = 'openslo/v1';
const V1ALPHA = 'openslo/v1alpha';

const DURATION_SHORTHAND = /^\d+(m|h|d|w|M|Q|Y)$/;
const durationShorthand = z
  .string()
  .regex(DURATION_SHORTHAND, 'must be a duration shorthand such as 5m, 28d, 1M or 1Q');
const description = z
  .string()
  .max(1050, 'must be at most 1050 characters')
  .optional()
  .nullable();
const labelValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

const metadataSchema = z.object({
  name: z.string().min(1, 'is required'),
  displayName: z.string().optional(),
  labels: z.record(z.string(), labelValue).optional().nullable(),
  annotations: z.record(z.string(), z.string()).optional().nullable(),
});

const metricSourceSchema = z.object({
  metricSource: z.object({
    metricSourceRef: z.string().optional(),
    type: z.string().optional(),
    spec: z.record(z.string(), z.unknown(), {
      error: "must be a mapping of the source's fields (query, ...)",
    }),
  }),
});
type MetricSource = z.infer<typeof metricSourceSchema>;

const ratioMetricSchema = z
  .object({
    counter: z.boolean().optional(),
    good: metricSourceSchema.optional(),
    bad: metricSourceSchema.optional(),
    total: metricSourceSchema.optional(),
    rawType: z.enum(['success', 'failure']).optional(),
    raw: metricSourceSchema.optional(),
  })
  .superRefine((ratio, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (ratio.raw) {
      if (ratio.good || ratio.bad || ratio.total) {
        issue('raw', 'cannot be used together with good, bad or total');
      }
      if (!ratio.rawType) {
        issue('rawType', 'is required with raw (success or failure)');
      }
      return;
    }
    if (!ratio.total) {
      issue('total', 'is required (or raw with rawType)');
    }
    if (ratio.good && ratio.bad) {
      issue('bad', 'cannot be set together with good');
    } else if (!ratio.good && !ratio.bad) {
      issue('good', 'good or bad is required with total');
    }
  });

const sliSpecSchema = z
  .object({
    description,
    thresholdMetric: metricSourceSchema.optional(),
    ratioMetric: ratioMetricSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    if (!spec.thresholdMetric === !spec.ratioMetric) {
      ctx.addIssue({
        code: 'custom',
        path: ['ratioMetric'],
        message: 'exactly one of ratioMetric or thresholdMetric is required',
      });
    }
  });
type SliSpec = z.infer<typeof sliSpecSchema>;

const inlineIndicatorSchema = z.object({
  metadata: metadataSchema,
  spec: sliSpecSchema,
});

const alertConditionSpecSchema = z.object({
  description,
  severity: z.string({ error: 'is required' }).min(1, 'is required'),
  condition: z.object(
    {
      kind: z.literal('burnrate'),
      op: z.enum(['lte', 'gte', 'lt', 'gt']).optional(),
      threshold: z.number(),
      lookbackWindow: durationShorthand,
      alertAfter: durationShorthand,
    },
    { error: 'is required' },
  ),
});

const alertNotificationTargetSpecSchema = z.object({
  description,
  target: z.string({ error: 'is required' }).min(1, 'is required'),
});

/** An item that is either `{ <ref>: name }` or an inlined object of `kind`. */
function refOrInline<T extends z.ZodTypeAny>(
  refKey: string,
  kind: string,
  spec: T,
) {
  return z
    .object({
      [refKey]: z.string().optional(),
      kind: z.literal(kind).optional(),
      metadata: metadataSchema.optional(),
      spec: spec.optional(),
    })
    .superRefine((item, ctx) => {
      const inlined = item.kind || item.metadata || item.spec;
      if (!item[refKey] && !inlined) {
        ctx.addIssue({
          code: 'custom',
          path: [refKey],
          message: `is required unless the ${kind} is inlined (kind, metadata, spec)`,
        });
      } else if (!item[refKey]) {
        for (const key of ['kind', 'metadata', 'spec'] as const) {
          if (!item[key]) {
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: `is required for an inlined ${kind}`,
            });
          }
        }
      }
    });
}

const alertPolicySpecSchema = z.object({
  description,
  alertWhenNoData: z.boolean().optional(),
  alertWhenResolved: z.boolean().optional(),
  alertWhenBreaching: z.boolean().optional(),
  conditions: z
    .array(refOrInline('conditionRef', 'AlertCondition', alertConditionSpecSchema), {
      error: 'is required',
    })
    .length(1, 'must hold exactly one condition'),
  notificationTargets: z
    .array(
      refOrInline(
        'targetRef',
        'AlertNotificationTarget',
        alertNotificationTargetSpecSchema,
      ),
      { error: 'is required' },
    )
    .min(1, 'must name at least one target'),
});

const objectiveSchema = z
  .object({
    displayName: z.string().optional(),
    op: z.enum(['lte', 'gte', 'lt', 'gt']).optional(),
    value: z.number().optional(),
    target: z.number().min(0).lt(1).optional(),
    targetPercent: z.number().min(0).lt(100).optional(),
    timeSliceTarget: z.number().gt(0).max(1).optional(),
    timeSliceWindow: z.union([z.number(), durationShorthand]).optional(),
    indicator: inlineIndicatorSchema.optional(),
    indicatorRef: z.string().optional(),
    compositeWeight: z.number().gt(0).optional(),
  })
  .superRefine((objective, ctx) => {
    if ((objective.target === undefined) === (objective.targetPercent === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: 'exactly one of target or targetPercent is required',
      });
    }
  });

const sloSpecSchema = z
  .object({
    description,
    service: z.string({ error: 'is required' }).min(1, 'is required'),
    indicator: inlineIndicatorSchema.optional(),
    indicatorRef: z.string().optional(),
    timeWindow: z
      .array(
        z.object({
          duration: durationShorthand,
          isRolling: z.boolean().optional(),
          calendar: z
            .object({
              startTime: z.string(),
              timeZone: z.string(),
            })
            .optional(),
        }),
        { error: 'is required' },
      )
      .length(1, 'must hold exactly one time window'),
    budgetingMethod: z.enum(['Occurrences', 'Timeslices', 'RatioTimeslices'], {
      error: 'must be Occurrences, Timeslices or RatioTimeslices',
    }),
    objectives: z
      .array(objectiveSchema, { error: 'is required' })
      .min(1, 'must hold at least one objective'),
    alertPolicies: z
      .array(
        z.union([
          z.string(),
          z.object({ alertPolicyRef: z.string() }),
          z.object({
            kind: z.literal('AlertPolicy'),
            metadata: metadataSchema,
            spec: alertPolicySpecSchema,
          }),
        ]),
      )
      .optional()
      .nullable(),
  })
  .superRefine((spec, ctx) => {
    const top = Boolean(spec.indicator || spec.indicatorRef);
    if (spec.indicator && spec.indicatorRef) {
      ctx.addIssue({
        code: 'custom',
        path: ['indicatorRef'],
        message: 'cannot be used together with indicator',
      });
    }
    spec.objectives.forEach((objective, index) => {
      if (!top && !objective.indicator && !objective.indicatorRef) {
        ctx.addIssue({
          code: 'custom',
          path: ['indicator'],
          message: `indicator or indicatorRef is required (on the SLO or on objectives[${index}])`,
        });
      }
    });
    const window = spec.timeWindow[0];
    if (window && window.isRolling === false && !window.calendar) {
      ctx.addIssue({
        code: 'custom',
        path: ['timeWindow', 0, 'calendar'],
        message: 'is required when isRolling is false',
      });
    }
  });
type SloSpec = z.infer<typeof sloSpecSchema>;

const v1Specs = {
  SLO: sloSpecSchema,
  SLI: sliSpecSchema,
  DataSource: z.object({
    description,
    type: z.string({ error: 'is required' }).min(1, 'is required'),
    connectionDetails: z.unknown(),
  }),
  Service: z.object({ description }),
  AlertPolicy: alertPolicySpecSchema,
  AlertCondition: alertConditionSpecSchema,
  AlertNotificationTarget: alertNotificationTargetSpecSchema,
} as const;
type V1Kind = keyof typeof v1Specs;

/** OpenSLO v1alpha SLO, the form Sloth reads (`ratioMetrics`, `timeWindows`). */
const v1alphaSloSpecSchema = z.object({
  description,
  service: z.string({ error: 'is required' }).min(1, 'is required'),
  budgetingMethod: z.enum(['Occurrences', 'Timeslices']).optional(),
  timeWindows: z
    .array(
      z.object({
        count: z.number().int().positive(),
        unit: z.string(),
        isRolling: z.boolean().optional(),
        calendar: z.object({ startTime: z.string(), timeZone: z.string() }).optional(),
      }),
    )
    .max(1, 'must hold at most one time window')
    .optional(),
  objectives: z
    .array(
      z.object({
        displayName: z.string().optional(),
        target: z.number().min(0).lt(1),
        ratioMetrics: z
          .object({
            counter: z.boolean().optional(),
            good: z.object({ source: z.string(), queryType: z.string(), query: z.string() }),
            total: z.object({ source: z.string(), queryType: z.string(), query: z.string() }),
          })
          .optional(),
      }),
      { error: 'is required' },
    )
    .min(1, 'must hold at least one objective'),
});

interface Document {
  index: number;
  label: string;
  apiVersion?: string;
  kind?: string;
  name?: string;
  raw: Record<string, unknown>;
}

interface ValidDocument<S> {
  doc: Document;
  name: string;
  metadata: z.infer<typeof metadataSchema>;
  spec: S;
}

const OPENSLO_KINDS = [...Object.keys(v1Specs), 'AlertNotificationTarget'];

/**
 * Reads OpenSLO documents (v1; and v1alpha SLOs, the form Sloth reads) and
 * resolves every SLO into one definition per objective. Items may be
 * documents or lists of documents (a YAML file holding a list). References
 * (indicatorRef, metricSourceRef, alertPolicies) are resolved among the
 * documents given.
 */
export function parseOpenSlo(docs: unknown[]): SloParseResult {
  const problems: SloProblem[] = [];
  // Documents of other specifications (a Backstage Component beside the
  // SLOs) are left alone; an OpenSLO kind under another apiVersion is reported.
  const documents = flattenDocuments(docs).filter(
    doc =>
      String(doc.apiVersion ?? '').startsWith('openslo/') ||
      OPENSLO_KINDS.includes(doc.kind ?? ''),
  );

  const valid: Partial<Record<V1Kind, ValidDocument<any>[]>> = {};
  const alphaSlos: Array<ValidDocument<z.infer<typeof v1alphaSloSpecSchema>>> = [];

  for (const doc of documents) {
    const report = (path: string, message: string) =>
      problems.push({ document: doc.label, path, message, severity: 'invalid' });
    if (doc.apiVersion === V1ALPHA) {
      if (doc.kind !== 'SLO') {
        report(
          'apiVersion',
          `only kind SLO is read at ${V1ALPHA}; ${doc.kind ?? 'a document without kind'} needs ${V1}`,
        );
        continue;
      }
      const parsed = parseDocument(doc, v1alphaSloSpecSchema, report);
      if (parsed) alphaSlos.push(parsed);
      continue;
    }
    if (doc.apiVersion !== V1) {
      report('apiVersion', `${doc.apiVersion} is not supported; use ${V1}`);
      continue;
    }
    if (!doc.kind || !(doc.kind in v1Specs)) {
      if (doc.kind !== 'AlertNotificationTarget') {
        report('kind', `must be one of ${Object.keys(v1Specs).join(', ')}`);
      }
      continue;
    }
    const kind = doc.kind as V1Kind;
    const parsed = parseDocument(doc, v1Specs[kind] as z.ZodTypeAny, report);
    if (parsed) {
      (valid[kind] ??= []).push(parsed);
    }
  }

  const byName = <K extends V1Kind>(kind: K) =>
    new Map((valid[kind] ?? []).map(item => [item.name, item]));
  const context: ResolveContext = {
    slis: byName('SLI'),
    dataSources: byName('DataSource'),
    policies: byName('AlertPolicy'),
  };

  const slos: SloDefinition[] = [];
  for (const slo of (valid.SLO ?? []) as ValidDocument<SloSpec>[]) {
    slos.push(...resolveSlo(slo, context, problems));
  }
  for (const slo of alphaSlos) {
    slos.push(...resolveAlphaSlo(slo, problems));
  }
  return { slos, problems };
}

function flattenDocuments(docs: unknown[]): Document[] {
  const out: Document[] = [];
  const add = (item: unknown) => {
    if (Array.isArray(item)) {
      item.forEach(add);
      return;
    }
    const index = out.length;
    const raw = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>;
    const metadata = (raw.metadata ?? {}) as Record<string, unknown>;
    const kind = typeof raw.kind === 'string' ? raw.kind : undefined;
    const name = typeof metadata.name === 'string' ? metadata.name : undefined;
    out.push({
      index,
      label: kind && name ? `${kind}/${name}` : `#${index}`,
      apiVersion: typeof raw.apiVersion === 'string' ? raw.apiVersion : undefined,
      kind,
      name,
      raw,
    });
  };
  docs.forEach(add);
  return out;
}

function parseDocument<S extends z.ZodTypeAny>(
  doc: Document,
  spec: S,
  report: (path: string, message: string) => void,
): ValidDocument<z.infer<S>> | undefined {
  const result = z
    .object({ metadata: metadataSchema, spec: spec })
    .safeParse({ metadata: doc.raw.metadata, spec: doc.raw.spec });
  if (!result.success) {
    for (const issue of result.error.issues) {
      report(formatPath(issue.path), issue.message);
    }
    return undefined;
  }
  return {
    doc,
    name: result.data.metadata.name,
    metadata: result.data.metadata,
    spec: result.data.spec,
  };
}

/** `spec.objectives[0].target` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

interface ResolveContext {
  slis: Map<string, ValidDocument<SliSpec>>;
  dataSources: Map<string, ValidDocument<{ type: string }>>;
  policies: Map<string, ValidDocument<z.infer<typeof alertPolicySpecSchema>>>;
}

function flattenLabels(
  labels: Record<string, unknown> | null | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) {
    out[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
}

const CALENDAR_UNITS: Partial<Record<string, CalendarUnit>> = {
  d: 'day',
  w: 'week',
  M: 'month',
  Q: 'quarter',
  Y: 'year',
};

function resolveWindow(
  window: SloSpec['timeWindow'][number],
  unsupported: (path: string, message: string) => void,
): SloDefinitionWindow {
  const shorthand = parseDurationShorthand(window.duration)!;
  const calendar = window.isRolling === false || (window.isRolling === undefined && window.calendar);
  if (!calendar) {
    return { kind: 'rolling', seconds: shorthandSeconds(shorthand) };
  }
  const unit = CALENDAR_UNITS[shorthand.unit];
  if (!unit || shorthand.count !== 1) {
    unsupported(
      'spec.timeWindow[0].duration',
      `calendar windows of ${window.duration} are not evaluated; use 1d, 1w, 1M, 1Q or 1Y`,
    );
  }
  return {
    kind: 'calendar',
    unit: unit ?? 'month',
    timeZone: window.calendar?.timeZone || 'UTC',
    startTime: window.calendar?.startTime,
  };
}

function resolveSlo(
  slo: ValidDocument<SloSpec>,
  context: ResolveContext,
  problems: SloProblem[],
): SloDefinition[] {
  const { spec } = slo;
  const label = slo.doc.label;
  const sloProblems: SloProblem[] = [];
  const unsupported = (path: string, message: string) =>
    sloProblems.push({ document: label, path, message, severity: 'unsupported' });

  const window = resolveWindow(spec.timeWindow[0], unsupported);
  if (spec.budgetingMethod !== 'Occurrences') {
    unsupported(
      'spec.budgetingMethod',
      `${spec.budgetingMethod} budgeting is not supported for evaluation; only Occurrences is`,
    );
  }
  const alerting = resolveAlerting(slo, context, unsupported);
  const alertPolicies = (spec.alertPolicies ?? []).map(policy =>
    typeof policy === 'string'
      ? policy
      : 'alertPolicyRef' in policy
        ? policy.alertPolicyRef
        : policy.metadata.name,
  );

  const out: SloDefinition[] = [];
  spec.objectives.forEach((objective, index) => {
    const objectiveProblems: SloProblem[] = [];
    const objectiveUnsupported = (path: string, message: string) =>
      objectiveProblems.push({ document: label, path, message, severity: 'unsupported' });
    const base = objective.indicator || objective.indicatorRef ? `spec.objectives[${index}]` : 'spec';
    const indicator = objective.indicator ?? spec.indicator;
    const indicatorRef = objective.indicatorRef ?? spec.indicatorRef;
    let sliSpec: SliSpec | undefined = indicator?.spec;
    if (!sliSpec && indicatorRef) {
      sliSpec = context.slis.get(indicatorRef)?.spec;
      if (!sliSpec) {
        problems.push({
          document: label,
          path: `${base}.indicatorRef`,
          message: `no SLI named ${JSON.stringify(indicatorRef)} among the documents`,
          severity: 'invalid',
        });
        return;
      }
    }
    const sli = resolveSli(sliSpec!, objective, `${base}.indicator.spec`, context, objectiveUnsupported);
    const target = objective.target ?? objective.targetPercent! / 100;
    const all = [...sloProblems, ...objectiveProblems];
    out.push({
      name: slo.name,
      displayName: objective.displayName ?? slo.metadata.displayName,
      description: spec.description ?? undefined,
      service: spec.service,
      labels: flattenLabels(slo.metadata.labels),
      objective: roundFraction(target),
      window,
      budgetingMethod: spec.budgetingMethod,
      sli,
      alerting,
      source: { format: V1, objectiveIndex: index, alertPolicies },
      unsupported: all.length ? all.map(p => `${p.path}: ${p.message}`) : undefined,
    });
    problems.push(...objectiveProblems);
  });
  problems.push(...sloProblems);
  return out;
}

/** Removes float noise from percent-to-fraction conversions (99.9 / 100). */
export function roundFraction(value: number): number {
  return Number(value.toPrecision(12));
}

const PLACEHOLDER_SLI: SloSli = { type: 'raw', errorRatio: 'vector(0)' };

function resolveSli(
  spec: SliSpec,
  objective: z.infer<typeof objectiveSchema>,
  path: string,
  context: ResolveContext,
  unsupported: (path: string, message: string) => void,
): SloSli {
  const query = (source: MetricSource, at: string): string | undefined => {
    const type =
      source.metricSource.type ??
      (source.metricSource.metricSourceRef
        ? context.dataSources.get(source.metricSource.metricSourceRef)?.spec.type
        : undefined);
    if (!type || type.toLowerCase() !== 'prometheus') {
      unsupported(
        `${at}.metricSource.type`,
        `only Prometheus metric sources are evaluated, not ${type ?? 'an unnamed source'}`,
      );
      return undefined;
    }
    const text = source.metricSource.spec.query;
    if (typeof text !== 'string' || !text.trim()) {
      unsupported(`${at}.metricSource.spec.query`, 'a PromQL query is required');
      return undefined;
    }
    return text.trim();
  };

  if (spec.ratioMetric) {
    const ratio = spec.ratioMetric;
    const at = `${path}.ratioMetric`;
    if (ratio.raw) {
      const raw = query(ratio.raw, `${at}.raw`);
      if (!raw) return PLACEHOLDER_SLI;
      return {
        type: 'raw',
        errorRatio: ratio.rawType === 'failure' ? raw : `1 - (${raw})`,
      };
    }
    const total = query(ratio.total!, `${at}.total`);
    const good = ratio.good && query(ratio.good, `${at}.good`);
    const bad = ratio.bad && query(ratio.bad, `${at}.bad`);
    for (const [key, text] of [['total', total], ['good', good], ['bad', bad]] as const) {
      if (text && !WINDOW_PLACEHOLDER.test(text)) {
        unsupported(
          `${at}.${key}.metricSource.spec.query`,
          'the query needs a {{.window}} range (e.g. rate(x[{{.window}}])) to be evaluated over each burn window',
        );
      }
    }
    if (!total || !(good || bad)) return PLACEHOLDER_SLI;
    return good ? { type: 'ratio', good, total } : { type: 'ratio', bad: bad!, total };
  }

  const at = `${path}.thresholdMetric`;
  const text = query(spec.thresholdMetric!, at);
  if (!text) return PLACEHOLDER_SLI;
  const histogram = /^([a-zA-Z_:][a-zA-Z0-9_:]*?)(?:_bucket|_count|_sum)?\s*(?:\{(.*)\})?$/s.exec(text);
  if (!histogram) {
    unsupported(
      `${at}.metricSource.spec.query`,
      'a threshold SLI must name a Prometheus histogram, e.g. http_request_duration_seconds{job="web"}',
    );
    return PLACEHOLDER_SLI;
  }
  if (objective.value === undefined || (objective.op && !['lt', 'lte'].includes(objective.op))) {
    unsupported(
      'spec.objectives',
      'a threshold SLI needs op lt or lte and a value (the histogram bucket bound)',
    );
    return PLACEHOLDER_SLI;
  }
  return {
    type: 'threshold',
    histogram: histogram[1],
    matchers: (histogram[2] ?? '').trim(),
    le: String(objective.value),
  };
}

export const WINDOW_PLACEHOLDER = /{{ *\.window *}}/;

function resolveAlerting(
  slo: ValidDocument<SloSpec>,
  context: ResolveContext,
  unsupported: (path: string, message: string) => void,
): SloAlerting | undefined {
  const policies = slo.spec.alertPolicies ?? [];
  if (policies.length === 0) {
    return undefined;
  }
  const first = policies[0];
  const name =
    typeof first === 'string'
      ? first
      : 'alertPolicyRef' in first
        ? first.alertPolicyRef
        : first.metadata.name;
  const policy =
    typeof first === 'object' && 'spec' in first ? first : context.policies.get(name);
  if (!policy) {
    unsupported(
      'spec.alertPolicies[0]',
      `no AlertPolicy named ${JSON.stringify(name)} among the documents; the workbook's alerts are generated without its labels`,
    );
  }
  const labels = flattenLabels(policy?.metadata.labels);
  return {
    name: alertName(name),
    page: { labels: { ...labels }, annotations: {} },
    ticket: { labels: { ...labels }, annotations: {} },
  };
}

/** `high-priority` → `HighPriority`: Prometheus alert names are identifiers. */
function alertName(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map(word => word[0].toUpperCase() + word.slice(1)).join('');
  return /^[A-Za-z_]/.test(joined) ? joined : `SLO${joined}`;
}

const ALPHA_UNITS: Record<string, number> = {
  second: 1,
  minute: DURATION_SECONDS.MINUTE,
  hour: DURATION_SECONDS.HOUR,
  day: DURATION_SECONDS.DAY,
  week: DURATION_SECONDS.WEEK,
};

function resolveAlphaSlo(
  slo: ValidDocument<z.infer<typeof v1alphaSloSpecSchema>>,
  problems: SloProblem[],
): SloDefinition[] {
  const { spec } = slo;
  const label = slo.doc.label;
  const found: SloProblem[] = [];
  const unsupported = (path: string, message: string) =>
    found.push({ document: label, path, message, severity: 'unsupported' });
  let window: SloDefinitionWindow = { kind: 'rolling', seconds: 30 * DURATION_SECONDS.DAY };
  const timeWindow = spec.timeWindows?.[0];
  if (timeWindow) {
    const unit = ALPHA_UNITS[timeWindow.unit.toLowerCase()];
    if (unit && timeWindow.isRolling !== false && !timeWindow.calendar) {
      window = { kind: 'rolling', seconds: timeWindow.count * unit };
    } else {
      unsupported('spec.timeWindows[0]', 'only rolling windows counted in seconds to weeks are read at openslo/v1alpha');
    }
  }
  if (spec.budgetingMethod === 'Timeslices') {
    unsupported('spec.budgetingMethod', 'Timeslices budgeting is not supported for evaluation; only Occurrences is');
  }
  const out = spec.objectives.map((objective, index): SloDefinition => {
    let sli: SloSli = PLACEHOLDER_SLI;
    const ratio = objective.ratioMetrics;
    if (!ratio) {
      unsupported(`spec.objectives[${index}].ratioMetrics`, 'only ratioMetrics objectives are read at openslo/v1alpha');
    } else {
      for (const key of ['good', 'total'] as const) {
        if (!['prometheus', 'sloth'].includes(ratio[key].source) || ratio[key].queryType !== 'promql') {
          unsupported(
            `spec.objectives[${index}].ratioMetrics.${key}`,
            'only Prometheus sources with queryType promql are evaluated',
          );
        }
      }
      sli = { type: 'ratio', good: ratio.good.query.trim(), total: ratio.total.query.trim() };
    }
    return {
      name: slo.name,
      displayName: objective.displayName ?? slo.metadata.displayName,
      description: spec.description ?? undefined,
      service: spec.service,
      labels: flattenLabels(slo.metadata.labels),
      objective: roundFraction(objective.target),
      window,
      budgetingMethod: spec.budgetingMethod ?? 'Occurrences',
      sli,
      source: { format: V1ALPHA, objectiveIndex: index },
      unsupported: found.length ? found.map(p => `${p.path}: ${p.message}`) : undefined,
    };
  });
  problems.push(...found);
  return out;
}
