import { stem, tokenize } from './words';

/** Long results are cut here; the full result stays in the tool card. */
const MAX_CHARS = 700;

/** `kubernetes.health_check` → "Health check". */
export function toolTitle(name: string): string {
  const last = name.split('.').pop() ?? name;
  const words = last.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function cut(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length <= MAX_CHARS) return trimmed;
  const lines = trimmed.split('\n');
  let out = '';
  let kept = 0;
  for (const line of lines) {
    if (out.length + line.length > MAX_CHARS) break;
    out += `${line}\n`;
    kept++;
  }
  if (kept === 0) {
    return `${trimmed.slice(0, MAX_CHARS).replace(/\s+\S*$/, '')} …`;
  }
  return `${out.trimEnd()}\n… and ${lines.length - kept} more lines.`;
}

const isScalar = (v: unknown) =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** A catalog entity: who owns it and what it is, owner first when asked. */
function entitySummary(entity: any, focus: Set<string>): string {
  const name = entity.metadata?.name;
  const spec = entity.spec ?? {};
  const title = entity.metadata?.title ? ` (${entity.metadata.title})` : '';
  const facts: string[] = [];
  if (spec.owner) facts.push(`owned by ${spec.owner}`);
  if (spec.system) facts.push(`part of system ${spec.system}`);
  if (spec.lifecycle) facts.push(`lifecycle ${spec.lifecycle}`);
  if (spec.type) facts.push(`type ${spec.type}`);
  const askedOwner = ['own', 'owner', 'team', 'maintain', 'responsibl'].some(
    w => focus.has(w),
  );
  const lead =
    askedOwner && spec.owner
      ? `${name} is owned by ${spec.owner}.`
      : `${name}${title} is a ${String(entity.kind).toLowerCase()}${
          facts.length ? `, ${facts.join(', ')}` : ''
        }.`;
  const description = entity.metadata?.description
    ? ` ${entity.metadata.description}`
    : '';
  const rest =
    askedOwner && facts.length > 1 ? ` It is ${facts.slice(1).join(', ')}.` : '';
  return `${lead}${rest}${description}`;
}

function labelOf(item: unknown): string {
  if (isScalar(item)) return String(item);
  if (item && typeof item === 'object') {
    const o = item as Record<string, any>;
    const name =
      o.name ?? o.metadata?.name ?? o.id ?? o.title ?? o.summary ?? o.message;
    const status = o.status ?? o.state ?? o.health ?? o.phase;
    if (name !== undefined) {
      return status !== undefined && isScalar(status)
        ? `${name} (${status})`
        : String(name);
    }
  }
  return JSON.stringify(item).slice(0, 80);
}

/** JSON results in a few plain lines: the fields the question was about first. */
export function summariseJson(value: unknown, focus: Set<string>): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return 'Nothing found.';
    const shown = value.slice(0, 8).map(labelOf);
    const more = value.length > 8 ? `, and ${value.length - 8} more` : '';
    return `${value.length} found: ${shown.join(', ')}${more}.`;
  }
  if (!value || typeof value !== 'object') return String(value);
  const o = value as Record<string, unknown>;
  if (o.metadata && typeof o.kind === 'string') {
    return entitySummary(o, focus);
  }
  for (const key of ['summary', 'message', 'text']) {
    if (typeof o[key] === 'string') return String(o[key]);
  }
  const entries = Object.entries(o);
  const lists = entries.filter(([, v]) => Array.isArray(v));
  if (lists.length === 1 && entries.length <= 3) {
    const [key, list] = lists[0];
    return `${key}: ${summariseJson(list, focus)}`;
  }
  const relevance = ([key]: [string, unknown]) =>
    tokenize(key.replace(/([a-z])([A-Z])/g, '$1 $2')).some(t =>
      focus.has(t.stem),
    )
      ? 0
      : 1;
  const scalars = entries
    .filter(([, v]) => isScalar(v))
    .sort((a, b) => relevance(a) - relevance(b))
    .slice(0, 8)
    .map(([k, v]) => `${k}: ${v}`);
  const nested = entries
    .filter(([, v]) => Array.isArray(v))
    .map(([k, v]) => `${k}: ${(v as unknown[]).length}`);
  return [...scalars, ...nested].join(', ') || 'The tool answered with no data.';
}

/**
 * A plain answer from one tool result: the tool's own text when it wrote one
 * (MCP tools do), JSON summarised, errors said as errors.
 */
export function answerFromResult(options: {
  tool?: string;
  content: string;
  isError?: boolean;
  question: string;
}): string {
  const { tool, content, isError } = options;
  const title = tool ? toolTitle(tool) : 'The tool';
  if (isError) {
    return `${title} did not work: ${cut(content) || 'no reason given'}`;
  }
  const focus = new Set(tokenize(options.question).map(t => stem(t.text)));
  let body: string;
  const trimmed = content.trim();
  if (/^[[{]/.test(trimmed)) {
    try {
      body = summariseJson(JSON.parse(trimmed), focus);
    } catch {
      body = cut(trimmed);
    }
  } else {
    body = cut(trimmed);
  }
  if (!body) body = 'It finished with no output.';
  return `${title}: ${body}`;
}
