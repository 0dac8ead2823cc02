import type { ToolSpec } from '@pilothouse/plugin-llm-gateway-common';
import type { DirectoryEntity } from './entityDirectory';
import { identifierWords, stem, STOPWORDS, Token, tokenize } from './words';

export interface PropertySchema {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  format?: string;
}

interface ObjectSchema {
  properties?: Record<string, PropertySchema>;
  required?: string[];
}

/** An entity the text names, and where. */
export interface Mention {
  entity: DirectoryEntity;
  said: string;
  index: number;
}

export interface FilledArguments {
  input: Record<string, unknown>;
  /** Required arguments the text does not give. */
  missing: string[];
  /** Arguments given outside the schema's range: the reason for each. */
  invalid: string[];
  /** More than one entity named where the tool takes one. */
  ambiguous?: { property: string; candidates: DirectoryEntity[] };
  /** The entity the call is about, when one was used. */
  subject?: DirectoryEntity;
}

/** What an entity-valued property holds, read from its name and description. */
type Role =
  | 'namespace'
  | 'catalogNamespace'
  | 'kind'
  | 'deployment'
  | 'pod'
  | 'container'
  | 'argocdApp'
  | 'repository'
  | 'ecsCluster'
  | 'ecsService'
  | 'component'
  | 'runbook'
  | 'entityName'
  | 'region'
  | 'branch'
  | 'revision'
  | 'workflow'
  | 'prefix'
  | 'project'
  | 'url'
  | 'free';

export function roleOf(key: string, prop: PropertySchema): Role {
  const d = (prop.description ?? '').toLowerCase();
  const k = key.toLowerCase();
  if (k === 'namespace') {
    return /entity/.test(d) ? 'catalogNamespace' : 'namespace';
  }
  if (k === 'kind') return 'kind';
  if (prop.format === 'uri' || /url$/.test(k)) return 'url';
  if (k === 'pod' || /\bpod name\b/.test(d)) return 'pod';
  if (k === 'container') return 'container';
  if (k === 'rollout' || k === 'selector') return 'free';
  if (/argocd|application name|argo cd application/.test(d)) return 'argocdApp';
  if (k === 'repository' || /owner\/name|repository/.test(d)) {
    return 'repository';
  }
  if (/ecs cluster/.test(d)) return 'ecsCluster';
  if (/ecs service/.test(d)) return 'ecsService';
  if (/ssm|runbook|automation document/.test(d)) return 'runbook';
  if (k === 'component' || /catalog component/.test(d)) return 'component';
  if (/deployment name|kubernetes-id/.test(d)) return 'deployment';
  if (k === 'region') return 'region';
  if (k === 'branch' || k === 'ref') return 'branch';
  if (k === 'revision') return 'revision';
  if (k === 'workflow') return 'workflow';
  if (/prefix/.test(k)) return 'prefix';
  if (k === 'project') return 'project';
  if (k === 'name' && /entity/.test(d)) return 'entityName';
  return 'free';
}

/** Roles whose value comes from a catalog entity the text (or page) names. */
const ENTITY_ROLES = new Set<Role>([
  'deployment',
  'argocdApp',
  'repository',
  'ecsCluster',
  'ecsService',
  'component',
  'runbook',
  'entityName',
]);

function ecsResource(entity: DirectoryEntity) {
  const ecs = entity.awsResources?.find(r => r.startsWith('ecs:'));
  const [cluster, service] = ecs?.slice(4).split('/') ?? [];
  return cluster && service ? { cluster, service } : undefined;
}

/** The value an entity gives a property of this role, if it has one. */
function entityValue(
  role: Role,
  entity: DirectoryEntity,
  tokens: Token[],
): string | undefined {
  const isComponent = entity.kind.toLowerCase() === 'component';
  switch (role) {
    case 'deployment':
      return entity.kubernetesId ?? (isComponent ? entity.name : undefined);
    case 'namespace':
      return entity.kubernetesNamespace;
    case 'argocdApp':
      return entity.argocdApp ?? (isComponent ? entity.name : undefined);
    case 'repository':
      return entity.githubRepo;
    case 'ecsCluster':
      return ecsResource(entity)?.cluster;
    case 'ecsService':
      return ecsResource(entity)?.service;
    case 'component':
      return isComponent ? entity.name : undefined;
    case 'entityName':
      return entity.name;
    case 'kind':
      return entity.kind;
    case 'catalogNamespace':
      return entity.namespace;
    case 'runbook': {
      const runbooks = entity.runbooks ?? [];
      const said = new Set(tokens.map(t => t.stem));
      const fits = runbooks.filter(r =>
        identifierWords(r)
          .filter(w => w !== entity.name.toLowerCase())
          .some(w => said.has(stem(w))),
      );
      if (fits.length === 1) return fits[0];
      return runbooks.length === 1 ? runbooks[0] : undefined;
    }
    default:
      return undefined;
  }
}

const NAME = '([a-z0-9][-a-z0-9._/]*)';

/** Values said outright: "namespace checkout", "on branch main", "eu-west-1". */
function explicitValue(role: Role, text: string): string | undefined {
  if (role === 'url') return /\bhttps?:\/\/[^\s"'<>]+/.exec(text)?.[0];
  const lower = text.toLowerCase();
  const first = (...patterns: RegExp[]) => {
    for (const pattern of patterns) {
      const value = pattern.exec(lower)?.[1];
      if (value && !STOPWORDS.has(value)) return value;
    }
    return undefined;
  };
  switch (role) {
    case 'namespace':
      return first(
        new RegExp(`\\b(?:namespace|ns)[\\s:=]+${NAME}`),
        new RegExp(`\\b${NAME}\\s+(?:namespace|ns)\\b`),
        new RegExp(`(?:^|\\s)-n\\s+${NAME}`),
      );
    case 'pod':
      return first(
        /\b([a-z0-9][-a-z0-9]*-[a-z0-9]{6,10}-[a-z0-9]{5})\b/,
        new RegExp(`\\bpod[\\s:=]+${NAME}`),
      );
    case 'container':
      return first(new RegExp(`\\bcontainer[\\s:=]+${NAME}`));
    case 'region':
      return first(/\b([a-z]{2}(?:-[a-z]+)+-\d)\b/);
    case 'branch':
      return first(
        new RegExp(`\\b(?:branch|ref|tag)[\\s:=]+${NAME}`),
        /\bon\s+(main|master|develop|release[-/][a-z0-9._-]+|v\d[\w.-]*)\b/,
        new RegExp(`\\b${NAME}\\s+branch\\b`),
      );
    case 'revision':
      return first(
        /\b(?:revision|commit|sha)[\s:=]+([0-9a-f]{7,40}|v?\d+\.\d+[\w.-]*|head)\b/,
        /\bto\s+([0-9a-f]{7,40}|v\d+\.\d+[\w.-]*)\b/,
      );
    case 'workflow':
      return first(/\b([\w.-]+\.ya?ml)\b/, /\bworkflow[\s:=]+(\d+)\b/);
    case 'prefix':
      return first(
        /\b(?:starting with|start with|starts with|prefix(?:ed)?(?: with)?|beginning with|named)\s+["']?([\w.-]+)/,
      );
    case 'project':
      return first(new RegExp(`\\bproject[\\s:=]+${NAME}`));
    default:
      return undefined;
  }
}

/** `key=value` / `key: value` for any property (the oldest way to say it). */
function keyValue(key: string, text: string): string | undefined {
  const escaped = key.replace(/[^A-Za-z0-9_]/g, '.');
  const match = new RegExp(
    `\\b${escaped}\\s*[=:]\\s*("([^"]*)"|'([^']*)'|([^\\s,;]+))`,
    'i',
  ).exec(text);
  return match ? match[2] ?? match[3] ?? match[4] : undefined;
}

const DURATION_UNITS: Array<[RegExp, number]> = [
  [/^(ms|millis|milliseconds?)$/, 0.001],
  [/^(s|secs?|seconds?)$/, 1],
  [/^(m|mins?|minutes?)$/, 60],
  [/^(h|hrs?|hours?)$/, 3600],
  [/^(d|days?)$/, 86400],
];

function secondsPer(unit: string): number | undefined {
  return DURATION_UNITS.find(([pattern]) => pattern.test(unit))?.[1];
}

interface SaidNumber {
  value: number;
  /** Seconds, when the number is a duration ("30 minutes", "2h"). */
  seconds?: number;
  /** Stems of the words next to it. */
  near: string[];
  /** Came after "to", "=", "at" or "#": a target value. */
  target: boolean;
  used?: boolean;
}

/** Words a count is given in, and the property words they stand for. */
const UNIT_SYNONYMS: Record<string, string[]> = {
  pod: ['replica', 'task'],
  instanc: ['replica', 'task'],
  copy: ['replica'],
  container: ['task'],
  build: ['run'],
  entry: ['history', 'id'],
  version: ['revision'],
};

function numbersIn(tokens: Token[]): SaidNumber[] {
  const out: SaidNumber[] = [];
  tokens.forEach((token, i) => {
    const compact = /^#?(\d+(?:\.\d+)?)([a-z]*)$/.exec(token.text);
    if (!compact) return;
    const value = Number(compact[1]);
    const next = tokens[i + 1]?.text ?? '';
    const unit = compact[2] || next;
    const perUnit = secondsPer(unit);
    const before = tokens
      .slice(Math.max(0, i - 2), i)
      .map(t => t.stem)
      .filter(s => !STOPWORDS.has(s));
    const after = compact[2] ? [] : tokens.slice(i + 1, i + 3).map(t => t.stem);
    const near = [...before, ...after].flatMap(s => [
      s,
      ...(Object.hasOwn(UNIT_SYNONYMS, s) ? UNIT_SYNONYMS[s] : []),
    ]);
    out.push({
      value,
      seconds: perUnit === undefined ? undefined : value * perUnit,
      near,
      target:
        token.text.startsWith('#') ||
        ['to', 'at', '='].includes(tokens[i - 1]?.text ?? ''),
    });
  });
  return out;
}

function isType(prop: PropertySchema, type: string): boolean {
  return Array.isArray(prop.type)
    ? prop.type.includes(type)
    : prop.type === type;
}

/** The unit a duration property is in, from its name and description. */
function durationUnit(key: string, prop: PropertySchema): number | undefined {
  const words = `${identifierWords(key).join(' ')} ${
    prop.description ?? ''
  }`.toLowerCase();
  if (/\bminutes?\b/.test(words)) return 60;
  if (/\bhours?\b/.test(words)) return 3600;
  if (/\bseconds?\b/.test(words)) return 1;
  if (/\b(ms|milliseconds?)\b/.test(words)) return 0.001;
  if (/\bdays?\b/.test(words)) return 86400;
  return undefined;
}

function keywordsOf(key: string, prop: PropertySchema): Set<string> {
  return new Set(
    [
      ...identifierWords(key),
      ...tokenize(prop.description ?? '').map(t => t.text),
    ]
      .filter(w => !STOPWORDS.has(w) && !/^\d/.test(w) && w !== 'default')
      .map(stem),
  );
}

function outOfRange(key: string, prop: PropertySchema, value: number) {
  if (isType(prop, 'integer') && !Number.isInteger(value)) {
    return `${key} must be a whole number (you said ${value})`;
  }
  const min = prop.minimum ?? prop.exclusiveMinimum;
  const tooLow =
    (prop.minimum !== undefined && value < prop.minimum) ||
    (prop.exclusiveMinimum !== undefined && value <= prop.exclusiveMinimum);
  const tooHigh = prop.maximum !== undefined && value > prop.maximum;
  if (!tooLow && !tooHigh) return undefined;
  const range =
    prop.maximum !== undefined && prop.maximum < Number.MAX_SAFE_INTEGER
      ? `between ${min ?? 0} and ${prop.maximum}`
      : `at least ${min}`;
  return `${key} must be ${range} (you said ${value})`;
}

/** Enum values said in other words. */
const ENUM_CUES: Record<string, string[]> = {
  failure: ['fail', 'broken', 'red'],
  success: ['succe', 'successful', 'pass', 'green'],
  in_progress: ['progress', 'ongo'],
  queued: ['queue', 'wait'],
  cancelled: ['cancel'],
  alarm: ['fir', 'trigger'],
  ok: ['ok', 'fine'],
  insufficient_data: ['insufficient'],
};

/** Booleans said in other words; a negation before them says false. */
const BOOLEAN_CUES: Record<string, string[]> = {
  previous: ['previou', 'crash', 'crashloop', 'terminat'],
  full: ['full', 'fully', 'completely'],
  prune: ['prune', 'delete', 'remove'],
};

function negated(tokens: Token[], at: number): boolean {
  return tokens
    .slice(Math.max(0, at - 3), at)
    .some(t => /^(no|not|without|don't|dont|never|skip)$/.test(t.text));
}

/**
 * Arguments for `tool` from the text, by JSON-schema type: numbers (in words
 * too) matched to properties by the words next to them, durations converted
 * to the property's unit, enums and booleans by their words, entity names
 * from the catalog (or the page's entity) turned into the value each property
 * wants (deployment, namespace, Argo CD app, repository, ECS service, …).
 */
export function fillArguments(options: {
  tool: ToolSpec;
  text: string;
  tokens: Token[];
  mentions: Mention[];
  context?: DirectoryEntity;
}): FilledArguments {
  const { tool, text, tokens, mentions, context } = options;
  const schema = tool.input_schema as ObjectSchema;
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const input: Record<string, unknown> = {};
  const invalid: string[] = [];
  const roles = new Map(properties.map(([k, p]) => [k, roleOf(k, p)]));
  const stems = new Set(tokens.map(t => t.stem));
  const toolWords = new Set(identifierWords(tool.name).map(stem));

  // Said outright as key=value.
  for (const [key, prop] of properties) {
    const raw = keyValue(key, text);
    if (raw === undefined) continue;
    if (isType(prop, 'number') || isType(prop, 'integer')) {
      if (!Number.isNaN(Number(raw))) input[key] = Number(raw);
    } else if (isType(prop, 'boolean')) {
      input[key] = raw === 'true';
    } else {
      input[key] = raw;
    }
  }

  // The entity the call is about: the one named, else the page's.
  const entityKeys = properties
    .filter(([k]) => ENTITY_ROLES.has(roles.get(k)!) && !(k in input))
    .map(([k]) => k);
  const primary =
    entityKeys.find(k => required.has(k)) ??
    entityKeys[0] ??
    (roles.has('namespace') ? 'namespace' : undefined);
  let subject: DirectoryEntity | undefined;
  let ambiguous: FilledArguments['ambiguous'];
  if (primary && !(primary in input)) {
    const role = roles.get(primary)!;
    const fitting = [
      ...new Map(
        mentions
          .filter(m => entityValue(role, m.entity, tokens) !== undefined)
          .map(m => [m.entity.ref, m.entity]),
      ).values(),
    ];
    if (fitting.length > 1) {
      ambiguous = { property: primary, candidates: fitting };
    } else if (fitting.length === 1) {
      subject = fitting[0];
    } else if (
      mentions.length === 0 &&
      context &&
      entityValue(role, context, tokens) !== undefined
    ) {
      subject = context;
    }
  }

  const numbers = numbersIn(tokens);
  for (const [key, prop] of properties) {
    if (key in input) continue;
    const role = roles.get(key)!;
    if (isType(prop, 'string') && prop.enum) {
      const exact = prop.enum.find(option =>
        tokens.some(t => t.text === String(option).toLowerCase()),
      );
      const value =
        exact ??
        prop.enum.find(option => {
          const words = identifierWords(String(option))
            .filter(w => !STOPWORDS.has(w))
            .map(stem)
            .filter(w => !toolWords.has(w));
          const word = String(option).toLowerCase();
          const cues = Object.hasOwn(ENUM_CUES, word) ? ENUM_CUES[word] : [];
          return (
            (words.length > 0 && words.every(w => stems.has(w))) ||
            cues.some(c => [...stems].some(s => s.startsWith(c)))
          );
        });
      if (value !== undefined) input[key] = value;
      continue;
    }
    if (isType(prop, 'boolean')) {
      const cues = [
        ...identifierWords(key)
          .filter(w => w !== 'only')
          .map(stem),
        ...(Object.hasOwn(BOOLEAN_CUES, key.toLowerCase())
          ? BOOLEAN_CUES[key.toLowerCase()]
          : []),
      ];
      const at = tokens.findIndex(t => cues.some(c => t.stem.startsWith(c)));
      if (at >= 0) input[key] = !negated(tokens, at);
      continue;
    }
    if (isType(prop, 'string')) {
      const said = text
        .split('\n')
        .map(line => explicitValue(role, line))
        .find(v => v !== undefined);
      if (said !== undefined) {
        input[key] = said;
        continue;
      }
      // Namespace and kind may come from any entity named; the rest only
      // from the one the call is about.
      const describesPlace =
        role === 'namespace' || role === 'kind' || role === 'catalogNamespace';
      let entity = ENTITY_ROLES.has(role) ? subject : undefined;
      if (describesPlace) {
        entity = subject ?? (ambiguous ? undefined : mentionWithValue(role));
      }
      const value = entity ? entityValue(role, entity, tokens) : undefined;
      if (value !== undefined) input[key] = value;
    }
  }

  function mentionWithValue(role: Role) {
    return mentions.find(m => entityValue(role, m.entity, tokens) !== undefined)
      ?.entity;
  }

  // Numbers: durations to duration properties, then by the words next to
  // them, then a lone target number to the one required number left.
  const numeric = properties.filter(
    ([key, prop]) =>
      !(key in input) && (isType(prop, 'integer') || isType(prop, 'number')),
  );
  const pairs: Array<{ key: string; n: SaidNumber; score: number }> = [];
  for (const [key, prop] of numeric) {
    const unit = durationUnit(key, prop);
    const words = keywordsOf(key, prop);
    for (const n of numbers) {
      let score = 0;
      if (n.seconds !== undefined) {
        score = unit !== undefined ? 5 : -1;
      } else if (n.near.some(w => words.has(w))) {
        score = 4;
      }
      if (score > 0) pairs.push({ key, n, score });
    }
  }
  pairs.sort((a, b) => b.score - a.score);
  const assign = (key: string, n: SaidNumber) => {
    const prop = schema.properties![key];
    const unit = durationUnit(key, prop);
    const value =
      n.seconds !== undefined && unit !== undefined
        ? Math.round((n.seconds / unit) * 1000) / 1000
        : n.value;
    n.used = true;
    input[key] = value;
    const problem = outOfRange(key, prop, value);
    if (problem) invalid.push(problem);
  };
  for (const { key, n } of pairs) {
    if (!(key in input) && !n.used) assign(key, n);
  }
  const requiredNumbers = numeric.filter(
    ([key]) => required.has(key) && !(key in input),
  );
  const spare = numbers.filter(n => !n.used && n.seconds === undefined);
  if (requiredNumbers.length === 1 && spare.length >= 1) {
    const target = spare.find(n => n.target) ?? spare[spare.length - 1];
    assign(requiredNumbers[0][0], target);
  }

  // A quoted text goes to the first string property still empty.
  const quoted = /"([^"]*)"|`([^`]*)`/.exec(text);
  if (quoted) {
    const free = properties.find(
      ([key, prop]) =>
        (prop.type ?? 'string') === 'string' && !prop.enum && !(key in input),
    );
    if (free) input[free[0]] = quoted[1] ?? quoted[2];
  }

  const missing = [...required].filter(key => !(key in input));
  return {
    input,
    missing,
    invalid,
    ...(ambiguous && missing.length ? { ambiguous } : {}),
    ...(subject ? { subject } : {}),
  };
}
