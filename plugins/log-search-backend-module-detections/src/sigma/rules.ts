import {
  DETECTION_LEVELS,
  type DetectionLevel,
} from '@pilothouse/plugin-log-search-common';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { compileCondition, parseCondition } from './condition';
import type { EventFields } from './eventFields';
import {
  LogSourceMapping,
  lookupThrough,
  mappingFor,
  SigmaLogSource,
} from './logSources';
import {
  compileFieldItem,
  FieldLookup,
  FieldPredicate,
  InvalidRuleError,
  UnsupportedRuleError,
} from './modifiers';

interface RuleCommon {
  /** The rule's `id`, else its `name`, else `<pack>/<file>`. */
  id: string;
  name?: string;
  title: string;
  description?: string;
  level: DetectionLevel;
  tags: string[];
  /** The ATT&CK tags (`attack.*`). */
  attack: string[];
  pack: string;
  file: string;
  /** Why it cannot run here. */
  unsupported?: string;
}

export interface SigmaDetectionRule extends RuleCommon {
  kind: 'detection';
  logsource: SigmaLogSource;
  mapping?: LogSourceMapping;
  /** Absent when unsupported. */
  match?: FieldPredicate;
}

export const CORRELATION_TYPES = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
] as const;
export type CorrelationType = (typeof CORRELATION_TYPES)[number];

export interface CorrelationCondition {
  op: 'gt' | 'gte';
  value: number;
  field?: string;
}

export interface SigmaCorrelationRule extends RuleCommon {
  kind: 'correlation';
  type: CorrelationType | string;
  /** Names or ids of the rules it correlates. */
  rules: string[];
  groupBy: string[];
  timespanMs: number;
  condition?: CorrelationCondition;
  /** Alias → rule name or id → that rule's field. */
  aliases: Record<string, Record<string, string>>;
  /** Whether the referenced rules also make detections of their own. */
  generate: boolean;
}

export type SigmaRule = SigmaDetectionRule | SigmaCorrelationRule;

const levelSchema = z.enum(DETECTION_LEVELS);
const commonSchema = {
  title: z.string().min(1),
  id: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  level: levelSchema.optional(),
  tags: z.array(z.string()).optional(),
};
const detectionRuleSchema = z.object({
  ...commonSchema,
  logsource: z.object({
    category: z.string().optional(),
    product: z.string().optional(),
    service: z.string().optional(),
  }),
  detection: z
    .record(z.string(), z.unknown())
    .refine(d => 'condition' in d, { message: 'has no condition' }),
});
const conditionSchema = z
  .object({
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    eq: z.number().optional(),
    neq: z.number().optional(),
    field: z.string().optional(),
  })
  .strict();
const correlationRuleSchema = z.object({
  ...commonSchema,
  correlation: z.object({
    type: z.string(),
    rules: z.union([z.string(), z.array(z.string()).min(1)]),
    'group-by': z.array(z.string()).optional(),
    timespan: z.string(),
    condition: conditionSchema.optional(),
    aliases: z.record(z.string(), z.record(z.string(), z.string())).optional(),
    generate: z.boolean().optional(),
  }),
});

/** `5m`, `1h`, `1d`: Sigma's timespans in milliseconds. */
export function parseTimespan(text: string): number {
  const match = /^(\d+)\s*([smhdwMy])$/.exec(text.trim());
  if (!match) {
    throw new InvalidRuleError(
      `timespan "${text}" is not a number and a unit (s, m, h, d, w)`,
    );
  }
  const unit: Record<string, number> = {
    s: 1_000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
    M: 30 * 86_400_000,
    y: 365 * 86_400_000,
  };
  return Number(match[1]) * unit[match[2]];
}

function issues(error: z.ZodError): string {
  return error.issues
    .map(i => `${i.path.length ? i.path.join('.') : 'rule'}: ${i.message}`)
    .join('; ');
}

function common(
  doc:
    | z.infer<typeof detectionRuleSchema>
    | z.infer<typeof correlationRuleSchema>,
  where: { pack: string; file: string },
  index: number,
): RuleCommon {
  const tags = doc.tags ?? [];
  return {
    id:
      doc.id ??
      doc.name ??
      `${where.pack}/${where.file}${index ? `#${index + 1}` : ''}`,
    ...(doc.name ? { name: doc.name } : {}),
    title: doc.title,
    ...(doc.description ? { description: doc.description } : {}),
    level: doc.level ?? 'medium',
    tags,
    attack: tags.filter(t => t.toLowerCase().startsWith('attack.')),
    pack: where.pack,
    file: where.file,
  };
}

/** Compiles a `detection` section through a log source mapping. */
export function compileDetection(
  detection: Record<string, unknown>,
  lookup: FieldLookup,
): FieldPredicate {
  const { condition, timeframe, ...searches } = detection;
  if (timeframe !== undefined) {
    throw new UnsupportedRuleError(
      '"timeframe" (deprecated; use a correlation rule)',
    );
  }
  const predicates: Record<string, FieldPredicate> = {};
  for (const [name, search] of Object.entries(searches)) {
    predicates[name] = compileSearch(name, search, lookup);
  }
  const identifiers = Object.keys(predicates);
  const conditions = Array.isArray(condition) ? condition : [condition];
  const compiled = conditions.map(c => {
    if (typeof c !== 'string') {
      throw new InvalidRuleError(
        '"condition" must be a string or a list of strings',
      );
    }
    return compileCondition(parseCondition(c, identifiers), predicates);
  });
  return compiled.length === 1
    ? compiled[0]
    : fields => compiled.some(c => c(fields));
}

function compileSearch(
  name: string,
  search: unknown,
  lookup: FieldLookup,
): FieldPredicate {
  const isMap = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  const compileMap = (map: Record<string, unknown>): FieldPredicate => {
    const items = Object.entries(map).map(([key, value]) =>
      compileFieldItem(key, value, lookup),
    );
    return fields => items.every(item => item(fields));
  };
  if (isMap(search)) return compileMap(search);
  if (Array.isArray(search) && search.length > 0 && search.every(isMap)) {
    const maps = search.map(compileMap);
    return fields => maps.some(m => m(fields));
  }
  if (
    Array.isArray(search) &&
    search.every(v => v === null || typeof v !== 'object')
  ) {
    // Keywords: any of them anywhere in the event's text.
    return compileFieldItem('|contains', search, lookup);
  }
  if (search !== null && typeof search !== 'object') {
    return compileFieldItem('|contains', [search], lookup);
  }
  throw new InvalidRuleError(
    `detection "${name}" is neither a map of fields, a list of maps, nor a list of keywords`,
  );
}

export interface ParsedRules {
  rules: SigmaRule[];
  /** Documents that are not valid Sigma, with why. */
  errors: Array<{ file: string; error: string }>;
}

/** Parses one YAML file of Sigma rules (one or more documents). */
export function parseSigmaFile(
  text: string,
  where: { pack: string; file: string },
): ParsedRules {
  const result: ParsedRules = { rules: [], errors: [] };
  const fail = (error: string) =>
    result.errors.push({ file: where.file, error });
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) {
    fail('empty file');
    return result;
  }
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      fail(`YAML: ${doc.errors[0].message}`);
      return;
    }
    const raw = doc.toJS() as Record<string, unknown> | null;
    if (!raw || typeof raw !== 'object') {
      if (docs.length === 1) fail('not a Sigma rule (no mapping at the top)');
      return;
    }
    if (raw.action !== undefined) {
      fail(
        `rule collections ("action: ${String(raw.action)}") are Sigma 1 only`,
      );
      return;
    }
    if ('filter' in raw && !('detection' in raw)) {
      fail('Sigma filters (meta filters) are not supported');
      return;
    }
    if ('correlation' in raw) {
      const parsed = correlationRuleSchema.safeParse(raw);
      if (!parsed.success) {
        fail(
          `correlation rule "${String(raw.title)}": ${issues(parsed.error)}`,
        );
        return;
      }
      result.rules.push(toCorrelation(parsed.data, where, index));
      return;
    }
    const parsed = detectionRuleSchema.safeParse(raw);
    if (!parsed.success) {
      fail(
        `rule "${String(raw.title ?? where.file)}": ${issues(parsed.error)}`,
      );
      return;
    }
    const rule: SigmaDetectionRule = {
      kind: 'detection',
      ...common(parsed.data, where, index),
      logsource: parsed.data.logsource,
    };
    const mapped = mappingFor(parsed.data.logsource);
    if ('unsupported' in mapped) {
      rule.unsupported = mapped.unsupported;
    } else {
      rule.mapping = mapped.mapping;
      try {
        rule.match = compileDetection(
          parsed.data.detection,
          lookupThrough(mapped.mapping),
        );
      } catch (error) {
        if (error instanceof UnsupportedRuleError) {
          rule.unsupported = error.message;
        } else if (error instanceof InvalidRuleError) {
          fail(`rule "${rule.title}": ${error.message}`);
          return;
        } else {
          throw error;
        }
      }
    }
    result.rules.push(rule);
  });
  return result;
}

function toCorrelation(
  doc: z.infer<typeof correlationRuleSchema>,
  where: { pack: string; file: string },
  index: number,
): SigmaCorrelationRule {
  const c = doc.correlation;
  const rule: SigmaCorrelationRule = {
    kind: 'correlation',
    ...common(doc, where, index),
    type: c.type,
    rules: Array.isArray(c.rules) ? c.rules : [c.rules],
    groupBy: c['group-by'] ?? [],
    timespanMs: 0,
    aliases: c.aliases ?? {},
    generate: c.generate ?? false,
  };
  try {
    rule.timespanMs = parseTimespan(c.timespan);
  } catch (error) {
    rule.unsupported = (error as Error).message;
    return rule;
  }
  if (!(CORRELATION_TYPES as readonly string[]).includes(c.type)) {
    rule.unsupported = `correlation type "${
      c.type
    }" (supported: ${CORRELATION_TYPES.join(', ')})`;
    return rule;
  }
  const needsCondition = !c.type.startsWith('temporal');
  const cond = c.condition;
  if (cond) {
    const ops = (['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const).filter(
      op => cond[op] !== undefined,
    );
    if (ops.some(op => op !== 'gt' && op !== 'gte') || ops.length !== 1) {
      rule.unsupported = `condition ${JSON.stringify(
        cond,
      )}: only one "gt" or "gte" is evaluated on the stream (the others need the window to close first)`;
      return rule;
    }
    rule.condition = {
      op: ops[0] as 'gt' | 'gte',
      value: cond[ops[0]]!,
      field: cond.field,
    };
  } else if (needsCondition) {
    rule.unsupported = `a ${c.type} correlation needs a condition`;
    return rule;
  }
  if (
    ['value_count', 'value_sum', 'value_avg'].includes(c.type) &&
    !rule.condition?.field
  ) {
    rule.unsupported = `a ${c.type} correlation needs condition.field`;
  }
  return rule;
}

/** Whether a rule reference (`rules:` entry) names this rule. */
export function refersTo(reference: string, rule: SigmaRule): boolean {
  return reference === rule.id || reference === rule.name;
}

export type { EventFields };
