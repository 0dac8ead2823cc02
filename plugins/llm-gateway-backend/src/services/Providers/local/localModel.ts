import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type {
  ContentBlock,
  ToolSpec,
} from '@pilothouse/plugin-llm-gateway-common';
import type { ProviderRequest } from '../../types';
import { answerFromResult, toolTitle } from './answer';
import { FilledArguments, fillArguments, Mention } from './arguments';
import type { DirectoryEntity } from './entityDirectory';
import { describedPart, rewritePhrases, ToolIndex, toolIndexFor } from './intent';
import {
  closestWord,
  digitsForNumberWords,
  identifierWords,
  stem,
  STOPWORDS,
  Token,
  tokenize,
} from './words';

/**
 * Below this score no tool is meant: the model says what it can do. One
 * word that names a tool's action (a weight-3 name word) is well above it;
 * a word that only appears deep in a description is below.
 */
export const MIN_SCORE = 3.5;
/** A runner-up this close to the best one makes the choice a question. */
export const AMBIGUOUS_MARGIN = 1;

/** The line an assistant puts in `system` for the page the user is on. */
export const CONTEXT_ENTITY_LINE = /^\s*context entity:\s*(\S+)\s*$/im;

/** Verbs of things no tool offered here does, unless a tool's name says it. */
const OUT_OF_SCOPE_VERBS = new Set(
  (
    'delete drop remove destroy terminate kill wipe erase purge create provision ' +
    'spin build write compose translate book buy order send email mail message ' +
    'rotate grant revoke rename upgrade install uninstall edit modify merge ' +
    'approve tell joke sing'
  ).split(' '),
);

/** What the local model decided for one request. */
export type Decision =
  | {
      kind: 'call';
      calls: Array<{ tool: ToolSpec; input: Record<string, unknown> }>;
    }
  | { kind: 'ask'; text: string }
  | { kind: 'refuse'; text: string };

export function contextEntityRef(system?: string): string | undefined {
  const said = system ? CONTEXT_ENTITY_LINE.exec(system)?.[1] : undefined;
  if (!said) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(said, { defaultKind: 'component', defaultNamespace: 'default' }),
    );
  } catch {
    return undefined;
  }
}

const KIND_ORDER = ['component', 'resource', 'api', 'system', 'group', 'user'];

/** Names, ids and titles of entities, for finding them in a sentence. */
class EntityNames {
  readonly byName = new Map<string, DirectoryEntity[]>();

  constructor(entities: DirectoryEntity[]) {
    const add = (key: string | undefined, entity: DirectoryEntity) => {
      if (!key || key.length < 3) return;
      const k = key.toLowerCase();
      const list = this.byName.get(k) ?? [];
      if (!list.includes(entity)) list.push(entity);
      this.byName.set(k, list);
    };
    for (const entity of entities) {
      add(entity.name, entity);
      add(entity.kubernetesId, entity);
      add(entity.argocdApp, entity);
      add(entity.title, entity);
    }
    for (const list of this.byName.values()) {
      list.sort(
        (a, b) =>
          rank(a.kind) - rank(b.kind) || a.ref.localeCompare(b.ref),
      );
    }
    function rank(kind: string) {
      const i = KIND_ORDER.indexOf(kind.toLowerCase());
      return i < 0 ? KIND_ORDER.length : i;
    }
  }

  /**
   * Entities the tokens name: longest phrase first (a title of several
   * words, `payments-db` before `payments`), a typo of a single name
   * forgiven when the word means nothing else. A name right next to
   * "namespace" names the namespace, not the entity.
   */
  find(tokens: Token[], vocabulary: Set<string>): Mention[] {
    const mentions: Mention[] = [];
    const singleNames = [...this.byName.keys()].filter(k => !/\s/.test(k));
    for (let i = 0; i < tokens.length; i++) {
      let found: { entity: DirectoryEntity; length: number } | undefined;
      for (let length = Math.min(4, tokens.length - i); length >= 1; length--) {
        const words = tokens.slice(i, i + length).map(t => t.text);
        const entity =
          this.byName.get(words.join(' '))?.[0] ??
          this.byName.get(words.join('-'))?.[0];
        if (entity) {
          found = { entity, length };
          break;
        }
      }
      const word = tokens[i].text;
      if (
        !found &&
        !STOPWORDS.has(word) &&
        !vocabulary.has(word) &&
        /^[a-z][a-z-]+$/.test(word)
      ) {
        const near = closestWord(word, singleNames);
        const entity = near ? this.byName.get(near)?.[0] : undefined;
        if (entity) found = { entity, length: 1 };
      }
      if (!found) continue;
      const next = tokens[i + found.length]?.text;
      const previous = tokens[i - 1]?.text;
      const namesNamespace =
        next === 'namespace' ||
        next === 'ns' ||
        previous === 'namespace' ||
        previous === 'ns';
      if (!namesNamespace) {
        mentions.push({
          entity: found.entity,
          said: tokens
            .slice(i, i + found.length)
            .map(t => t.text)
            .join(' '),
          index: i,
        });
      }
      i += found.length - 1;
    }
    return mentions;
  }
}

const namesCache = new WeakMap<DirectoryEntity[], EntityNames>();
function namesFor(entities: DirectoryEntity[]): EntityNames {
  let names = namesCache.get(entities);
  if (!names) {
    names = new EntityNames(entities);
    namesCache.set(entities, names);
  }
  return names;
}

interface Candidate {
  tool: ToolSpec;
  score: number;
  filled: FilledArguments;
}

/** Words of a tool's name after its verb that the text does not say. */
function unsaidNameWords(tool: ToolSpec, said: Set<string>): number {
  const [, ...rest] = tool.name.split('.');
  const words = identifierWords(rest.join('.') || tool.name).filter(
    w => !STOPWORDS.has(w),
  );
  return words.slice(1).filter(w => !said.has(stem(w))).length;
}

/** One request in one clause: the best tool and its arguments, scored. */
function interpretClause(
  text: string,
  index: ToolIndex,
  entities: DirectoryEntity[],
  context: DirectoryEntity | undefined,
): { best?: Candidate; runnerUp?: Candidate; mentions: Mention[]; tokens: Token[] } {
  const rawTokens = tokenize(text);
  const names = namesFor(entities);
  const mentions = names.find(rawTokens, index.vocabulary);
  const mentioned = new Set(
    mentions.flatMap(m =>
      Array.from({ length: m.said.split(' ').length }, (_, k) => m.index + k),
    ),
  );
  // Typos of tool words are read as the word meant.
  const tokens = rawTokens.map((token, i) => {
    if (
      mentioned.has(i) ||
      STOPWORDS.has(token.text) ||
      index.vocabulary.has(token.text) ||
      !/^[a-z]+$/.test(token.text)
    ) {
      return token;
    }
    const meant = closestWord(token.text, index.vocabulary);
    return meant ? tokenize(meant)[0] : token;
  });
  const intentTokens = tokens.filter((_, i) => !mentioned.has(i));
  const ranked = index.rank(intentTokens).slice(0, 4);
  const said = index.said(intentTokens);
  const correctedText = tokens.map(t => t.text).join(' ');
  const candidates: Candidate[] = ranked
    .filter(r => r.score > 0)
    .map(r => {
      const filled = fillArguments({
        tool: r.tool,
        text: `${text}\n${correctedText}`,
        tokens,
        mentions,
        context,
      });
      // A tool whose arguments the text fills fits better than one it does
      // not, the more so when the entity named is what it acts on; a tool
      // whose name says more than was said ("ecs" service) fits less.
      const fit =
        (filled.missing.length === 0 ? 1 : -0.5 * filled.missing.length) +
        (filled.subject && mentions.length ? 1.5 : 0) -
        unsaidNameWords(r.tool, said);
      return { tool: r.tool, score: r.score + fit, filled };
    })
    .sort((a, b) => b.score - a.score);
  return {
    best: candidates[0],
    runnerUp: candidates[1],
    mentions,
    tokens: intentTokens,
  };
}

/** "restart payments and then scale checkout to 3": two requests. */
function clausesOf(text: string): string[][] {
  const splits: string[][] = [];
  const separators = /\s*(?:;|,?\s+and then\s+|,?\s+then\s+|,?\s+and also\s+|,?\s+and\s+|,\s+)\s*/gi;
  for (const match of text.matchAll(separators)) {
    const left = text.slice(0, match.index);
    const right = text.slice(match.index! + match[0].length);
    if (left.trim() && right.trim()) splits.push([left, right]);
  }
  return splits;
}

function humanList(items: string[], joiner = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${joiner} ${items[items.length - 1]}`;
}

function whatItDoes(tool: ToolSpec): string {
  const first = describedPart(tool.description).split(/(?<=\.)\s/)[0] ?? '';
  const short = first.replace(/\s+/g, ' ').replace(/\.$/, '').trim();
  return short
    ? `${short.charAt(0).toLowerCase()}${short.slice(1)} (${tool.name})`
    : tool.name;
}

/** "I can't do that" naming what it can do, by server. */
function refusal(tools: ToolSpec[], why?: string): string {
  const byServer = new Map<string, string[]>();
  for (const tool of tools) {
    const server = tool.name.includes('.') ? tool.name.split('.')[0] : 'tools';
    byServer.set(server, [
      ...(byServer.get(server) ?? []),
      toolTitle(tool.name).toLowerCase(),
    ]);
  }
  const can = [...byServer]
    .map(([server, names]) => `${server}: ${names.join(', ')}`)
    .join('; ');
  return `${
    why ?? "I can't help with that: none of the tools I have does it."
  } I can ${can ? `use these tools — ${can}` : 'only answer with tools, and none were offered'}. Try for example "run the health check" or "scale payments to 3 replicas".`;
}

function question(candidate: Candidate, tools: ToolSpec[], entities: DirectoryEntity[]): string {
  const { tool, filled } = candidate;
  if (filled.ambiguous) {
    const names = filled.ambiguous.candidates.map(e => e.name);
    return `Which one do you mean: ${humanList(names)}? ${tool.name} works on one ${filled.ambiguous.property} at a time.`;
  }
  if (filled.invalid.length) {
    return `I can't do that as asked: ${filled.invalid.join('; ')}. What value should I use?`;
  }
  const schema = tool.input_schema as {
    properties?: Record<string, { description?: string }>;
  };
  const described = filled.missing.map(key => {
    const d = schema.properties?.[key]?.description;
    return d ? `${key} (${d.replace(/\.$/, '')})` : key;
  });
  const examples = entities
    .filter(e => e.kind.toLowerCase() === 'component')
    .slice(0, 4)
    .map(e => e.name);
  const entityHint =
    filled.missing.some(k => ['name', 'application', 'component', 'repository', 'cluster', 'service'].includes(k)) &&
    examples.length
      ? ` Which service — for example ${humanList(examples)}?`
      : '';
  void tools;
  return `To ${whatItDoes(tool)} I need ${humanList(described, 'and')}.${
    entityHint || ' What should I use?'
  }`;
}

/** What to do for the user's text: call tools, ask, or refuse. */
export function decide(
  text: string,
  tools: ToolSpec[],
  entities: DirectoryEntity[],
  context: DirectoryEntity | undefined,
): Decision {
  const index = toolIndexFor(tools);
  const normalised = rewritePhrases(digitsForNumberWords(text));

  const whole = interpretClause(normalised, index, entities, context);
  // A clause is a request of its own when it says what to do: the verb of
  // its tool's name, in its own words or a synonym.
  const saysItsVerb = (clause: ReturnType<typeof interpretClause>) => {
    const tool = clause.best?.tool;
    if (!tool) return false;
    const [, ...rest] = tool.name.split('.');
    const verb = identifierWords(rest.join('.') || tool.name)[0];
    return index.said(clause.tokens).has(stem(verb));
  };
  const meant = (c: Candidate | undefined, tokens: Token[]) =>
    c !== undefined &&
    (c.score >= MIN_SCORE || index.namesTool(c.tool, tokens));
  const complete = (c?: Candidate) =>
    c !== undefined &&
    c.score >= MIN_SCORE &&
    c.filled.missing.length === 0 &&
    c.filled.invalid.length === 0;

  // Two requests in one message: both halves must stand on their own.
  for (const [left, right] of clausesOf(normalised)) {
    const a = interpretClause(left, index, entities, context);
    const b = interpretClause(right, index, entities, context);
    if (
      complete(a.best) &&
      complete(b.best) &&
      saysItsVerb(a) &&
      saysItsVerb(b) &&
      !ambiguousBetween(a) &&
      !ambiguousBetween(b) &&
      (a.best!.tool !== b.best!.tool ||
        a.best!.filled.subject !== b.best!.filled.subject)
    ) {
      return {
        kind: 'call',
        calls: [a.best!, b.best!].map(c => ({
          tool: c.tool,
          input: c.filled.input,
        })),
      };
    }
  }

  const { best, runnerUp } = whole;
  const verb = whole.tokens.find(t => !STOPWORDS.has(t.text));
  if (
    verb &&
    OUT_OF_SCOPE_VERBS.has(verb.text) &&
    !tools.some(t => t.name.toLowerCase().includes(verb.text))
  ) {
    return {
      kind: 'refuse',
      text: refusal(tools, `I can't ${verb.text} things: no tool I have does that.`),
    };
  }
  if (!best || !meant(best, whole.tokens)) {
    return { kind: 'refuse', text: refusal(tools) };
  }
  if (ambiguousBetween(whole)) {
    return {
      kind: 'ask',
      text: `Do you want me to ${whatItDoes(best.tool)}, or to ${whatItDoes(
        runnerUp!.tool,
      )}?`,
    };
  }
  if (best.filled.missing.length || best.filled.invalid.length) {
    return { kind: 'ask', text: question(best, tools, entities) };
  }
  return {
    kind: 'call',
    calls: [{ tool: best.tool, input: best.filled.input }],
  };
}

/** Two different tools scored nearly the same, and both could run. */
function ambiguousBetween(result: { best?: Candidate; runnerUp?: Candidate }) {
  const { best, runnerUp } = result;
  return Boolean(
    best &&
      runnerUp &&
      best.score >= MIN_SCORE &&
      best.score - runnerUp.score < AMBIGUOUS_MARGIN &&
      runnerUp.filled.missing.length === 0 &&
      best.filled.missing.length === 0,
  );
}

function textOf(content: ContentBlock[]): string {
  return content
    .map(block => (block.type === 'text' ? block.text : ''))
    .join('\n')
    .trim();
}

/**
 * The local model's answer to a conversation: after tool results, a plain
 * answer from them; otherwise the tool calls the last user message asks for,
 * a question when something is missing or unclear, or a refusal naming what
 * it can do. A short answer to its own question ("5", "payments") is read
 * together with the message that it asked about.
 */
export function respond(
  request: ProviderRequest,
  entities: DirectoryEntity[],
  newId: () => string,
): ContentBlock[] {
  const messages = request.messages;
  const last = messages[messages.length - 1];
  const lastContent = last?.content ?? [];
  const results = lastContent.filter(b => b.type === 'tool_result');
  if (results.length) {
    const previous = messages[messages.length - 2];
    const uses = new Map(
      (previous?.content ?? [])
        .filter(b => b.type === 'tool_use')
        .map(b => (b.type === 'tool_use' ? [b.id, b.name] : ['', ''])),
    );
    const asked = [...messages]
      .reverse()
      .find(m => m.role === 'user' && textOf(m.content));
    const text = results
      .map(b =>
        b.type === 'tool_result'
          ? answerFromResult({
              tool: uses.get(b.tool_use_id),
              content: b.content,
              isError: b.is_error,
              question: asked ? textOf(asked.content) : '',
            })
          : '',
      )
      .join('\n\n');
    return [{ type: 'text', text }];
  }

  const text = last?.role === 'user' ? textOf(lastContent) : '';
  const tools = request.tools ?? [];
  if (!tools.length) {
    return [
      {
        type: 'text',
        text: text
          ? `This is the local model (offline): it answers by calling the portal's tools, and none were offered with this request. You said: ${text}`
          : 'This is the local model (offline).',
      },
    ];
  }
  const ref = contextEntityRef(request.system);
  const context = ref
    ? entities.find(e => e.ref === ref) ?? fromRef(ref)
    : undefined;

  let decision = decide(spellToolNames(text, tools), tools, entities, context);
  if (decision.kind !== 'call') {
    const earlier = followUpOf(messages);
    if (earlier) {
      const combined = decide(`${earlier} ${text}`, tools, entities, context);
      if (combined.kind === 'call' || decision.kind === 'refuse') {
        decision = combined;
      }
    }
  }
  if (decision.kind !== 'call') return [{ type: 'text', text: decision.text }];
  return decision.calls.map(call => ({
    type: 'tool_use',
    id: newId(),
    name: call.tool.name,
    input: call.input,
  }));
}

/**
 * A tool's full name typed out (`kubernetes.list_workloads`) becomes its
 * words (`kubernetes list workloads`), which the intent scoring reads.
 */
function spellToolNames(text: string, tools: ToolSpec[]): string {
  const names = new Set(tools.map(t => t.name.toLowerCase()));
  return text.replace(/\b[\w-]+(?:\.[\w-]+)+\b/g, word =>
    names.has(word.toLowerCase()) ? word.replace(/[._-]+/g, ' ') : word,
  );
}

/** The user's earlier text, when the model's last message was a question. */
function followUpOf(messages: ProviderRequest['messages']): string | undefined {
  const n = messages.length;
  const assistant = messages[n - 2];
  const user = messages[n - 3];
  if (assistant?.role !== 'assistant' || user?.role !== 'user') return undefined;
  if (assistant.content.some(b => b.type === 'tool_use')) return undefined;
  if (!textOf(assistant.content).trim().endsWith('?')) return undefined;
  return textOf(user.content) || undefined;
}

function fromRef(ref: string): DirectoryEntity {
  const { kind, namespace, name } = parseEntityRef(ref);
  return { ref, kind, namespace, name };
}
