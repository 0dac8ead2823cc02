import type { ToolSpec } from '@pilothouse/plugin-llm-gateway-common';
import { identifierWords, stem, STOPWORDS, Token, tokenize } from './words';

/**
 * How operations people say what the tools' own words say. Keys are words a
 * person writes; values the words of tool names and descriptions they mean.
 * Generic on purpose: no tool is named here, so a new tool is found by its
 * own name, description and schema.
 */
const SYNONYM_TABLE: Record<string, string> = {
  bump: 'scale replica',
  increase: 'scale replica',
  raise: 'scale',
  grow: 'scale',
  shrink: 'scale replica',
  reduce: 'scale',
  decrease: 'scale',
  resize: 'scale',
  upscale: 'scale',
  downscale: 'scale',
  replica: 'replica',
  copies: 'replica',
  bounce: 'restart',
  reboot: 'restart',
  recycle: 'restart',
  cycle: 'restart',
  kick: 'restart',
  restart: 'restart',
  rollback: 'rollback undo rollout',
  revert: 'rollback undo rollout',
  undo: 'undo',
  previous: 'previous',
  log: 'log',
  logs: 'log',
  output: 'log',
  stderr: 'log',
  stdout: 'log',
  tail: 'log tail',
  crash: 'crash health',
  crashing: 'crash health',
  crashloop: 'crash health',
  health: 'health',
  healthy: 'health',
  unhealthy: 'health',
  broken: 'health',
  wrong: 'wrong health',
  problem: 'health wrong',
  issue: 'health wrong',
  sick: 'health',
  eks: 'kubernetes',
  k8s: 'kubernetes',
  kube: 'kubernetes',
  kubectl: 'kubernetes',
  gke: 'kubernetes',
  aks: 'kubernetes',
  argo: 'argo',
  argocd: 'argo',
  gitops: 'argo sync',
  deploy: 'deploy sync',
  redeploy: 'sync deploy',
  canary: 'canary rollout',
  promote: 'promote',
  abort: 'abort',
  cancel: 'abort',
  halt: 'abort',
  build: 'workflow run',
  pipeline: 'workflow run',
  ci: 'workflow run github',
  job: 'workflow job',
  rerun: 'rerun run',
  retry: 'rerun run',
  trigger: 'dispatch workflow start',
  dispatch: 'dispatch workflow',
  vm: 'ec2 instance',
  server: 'ec2 instance',
  machine: 'ec2 instance',
  box: 'ec2 instance',
  host: 'ec2 instance',
  lambda: 'lambda function',
  serverless: 'lambda function',
  function: 'lambda function',
  database: 'rds database',
  db: 'rds database',
  postgres: 'rds database',
  mysql: 'rds database',
  alert: 'alarm',
  alerting: 'alarm',
  firing: 'alarm firing',
  pager: 'alarm incident',
  playbook: 'runbook',
  automation: 'runbook automation',
  ssm: 'runbook ssm',
  sop: 'runbook',
  incident: 'incident triage',
  outage: 'incident triage alarm',
  down: 'incident triage',
  degraded: 'degrad health',
  error: 'incident alarm',
  errors: 'incident alarm',
  '5xx': 'incident alarm',
  budget: 'incident triage',
  burn: 'incident triage',
  burning: 'incident triage',
  slo: 'incident triage',
  latency: 'incident alarm',
  slow: 'incident alarm',
  paging: 'incident alarm',
  triage: 'triage incident',
  why: 'why',
  owner: 'owner entity catalog',
  owns: 'owner entity catalog',
  own: 'owner entity catalog',
  owned: 'owner entity catalog',
  maintains: 'owner entity catalog',
  maintainer: 'owner entity catalog',
  responsible: 'owner entity catalog',
  team: 'owner entity catalog',
  contact: 'owner entity catalog',
  catalog: 'catalog entity',
  entity: 'entity catalog',
  details: 'entity',
  info: 'entity',
  namespace: 'namespace',
  workload: 'workload deployment',
  running: 'run running',
  replicas: 'replica',
  history: 'history',
  task: 'task',
  app: 'application',
  apps: 'application',
  application: 'application',
  sync: 'sync',
  resync: 'sync',
  release: 'deploy sync',
  ship: 'deploy sync',
};

const SYNONYMS = new Map(Object.entries(SYNONYM_TABLE));

/** Phrases made into one word before matching. */
const PHRASES: Array<[RegExp, string]> = [
  [/\broll(?:ed|ing)?[\s-]*back\b/gi, 'rollback'],
  [/\bre[\s-]+(run|try|start|deploy|sync)\b/gi, 're$1'],
  [/\bkick(?:ed)?[\s-]+off\b/gi, 'trigger'],
  [/\bcrash[\s-]*loop(?:ing|s)?\b/gi, 'crashloop'],
  [/\berror[\s-]+budget\b/gi, 'budget'],
  [/\bhealth[\s-]*check\b/gi, 'health check'],
  [/\bscale[\s-]+(up|down|out|in)\b/gi, 'scale'],
  [/\bgithub actions\b/gi, 'github workflow'],
  [/\bwhat'?s\b/gi, 'what is'],
  [/\bsync(?:ed)? status\b/gi, 'status'],
  [/\bdeploy(?:ment)? history\b/gi, 'history'],
  [/\bhow(?:'s| is| are)\b/gi, 'status'],
  [/\bgive (\S+ )?(\d+|\w+) (replicas|pods|instances)\b/gi, 'scale $1to $2 $3'],
];

export function rewritePhrases(text: string): string {
  return PHRASES.reduce((t, [pattern, to]) => t.replace(pattern, to), text);
}

interface ToolProfile {
  tool: ToolSpec;
  /** Weight of each stem in this tool's name, description and schema. */
  weights: Map<string, number>;
}

/** A tool's description without its example (whose values name no intent). */
export function describedPart(description: string | undefined): string {
  return (description ?? '').split(/\bExample:/)[0];
}

function profileOf(tool: ToolSpec): ToolProfile {
  const weights = new Map<string, number>();
  const add = (words: string[], weight: number) => {
    for (const word of words) {
      if (STOPWORDS.has(word) || word.length < 2) continue;
      const s = stem(word);
      weights.set(s, Math.max(weights.get(s) ?? 0, weight));
    }
  };
  const [server, ...rest] = tool.name.split('.');
  const description = describedPart(tool.description);
  const [first, ...others] = description.split(/(?<=[.:])\s+/);
  add(identifierWords(rest.join('.') || server), 3);
  if (rest.length) add(identifierWords(server), 1.5);
  add(tokenize(first ?? '').map(t => t.text), 1.5);
  add(tokenize(others.join(' ')).map(t => t.text), 0.6);
  const schema = tool.input_schema as {
    properties?: Record<string, { description?: string; enum?: unknown[] }>;
  };
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    add(identifierWords(key), 1);
    add(
      tokenize(prop.description ?? '').map(t => t.text),
      0.4,
    );
    add(
      (prop.enum ?? []).flatMap(v => identifierWords(String(v))),
      1,
    );
  }
  return { tool, weights };
}

/** Profiles and word rarity for one set of tools, built once and reused. */
export class ToolIndex {
  readonly profiles: ToolProfile[];
  private readonly rarity = new Map<string, number>();
  private readonly frequency: Map<string, number>;
  /** Every word the tools and synonyms know, for typo correction. */
  readonly vocabulary = new Set<string>();

  constructor(readonly tools: ToolSpec[]) {
    this.profiles = tools.map(profileOf);
    const documents = new Map<string, number>();
    // A word in a tool's name counts fully, one deep in a description
    // little: "undo" in six descriptions still names one tool.
    for (const profile of this.profiles) {
      for (const [word, weight] of profile.weights) {
        documents.set(word, (documents.get(word) ?? 0) + weight / 3);
      }
    }
    const n = this.profiles.length;
    this.frequency = documents;
    for (const [word, df] of documents) {
      this.rarity.set(word, Math.log((n + 1) / (df + 0.5)) + 0.2);
    }
    for (const tool of tools) {
      const properties = Object.entries(
        ((tool.input_schema as any).properties ?? {}) as Record<
          string,
          { enum?: unknown[] }
        >,
      );
      for (const word of [
        ...identifierWords(tool.name),
        ...tokenize(describedPart(tool.description)).map(t => t.text),
        ...properties.flatMap(([key, prop]) => [
          ...identifierWords(key),
          ...(prop.enum ?? []).flatMap(v => identifierWords(String(v))),
        ]),
      ]) {
        if (/^[a-z]+$/.test(word)) this.vocabulary.add(word);
      }
    }
    for (const word of SYNONYMS.keys()) this.vocabulary.add(word);
  }

  /**
   * Stems a person's word stands for, with how much: itself and its first
   * synonym fully, further synonyms (secondary senses) a little less.
   */
  meanings(token: Token): Array<[string, number]> {
    const synonyms = SYNONYMS.get(token.text) ?? SYNONYMS.get(token.stem);
    const out = new Map([[token.stem, 1]]);
    (synonyms?.split(' ') ?? []).forEach((word, i) => {
      const s = stem(word);
      if (!out.has(s)) out.set(s, i === 0 ? 1 : 0.8);
    });
    return [...out];
  }

  /**
   * The text names the tool outright: a word of its name (after the server)
   * that few other tools have, such as "echo" or "triage".
   */
  namesTool(tool: ToolSpec, tokens: Token[]): boolean {
    const said = new Set(tokens.map(t => t.stem));
    const [, ...rest] = tool.name.split('.');
    return identifierWords(rest.join('.') || tool.name)
      .map(stem)
      .some(w => said.has(w) && (this.frequency.get(w) ?? 0) <= 2);
  }

  /** Every stem the tokens mean, in any sense. */
  said(tokens: Token[]): Set<string> {
    return new Set(tokens.flatMap(t => this.meanings(t).map(([s]) => s)));
  }

  /**
   * Each tool's score for the words: for each word the best of its meanings,
   * by the tool's weight for it times how rare it is among the tools.
   */
  rank(tokens: Token[]): Array<{ tool: ToolSpec; score: number }> {
    const meanings = tokens
      .filter(t => !STOPWORDS.has(t.text) && !/^\d/.test(t.text))
      .map(t => this.meanings(t));
    return this.profiles
      .map(profile => {
        let score = 0;
        const used = new Set<string>();
        for (const alternatives of meanings) {
          let best = 0;
          let bestWord = '';
          for (const [word, sense] of alternatives) {
            if (used.has(word)) continue;
            const value =
              sense *
              (profile.weights.get(word) ?? 0) *
              (this.rarity.get(word) ?? 0);
            if (value > best) {
              best = value;
              bestWord = word;
            }
          }
          // A word said twice ("restart … restart") counts once.
          if (bestWord) used.add(bestWord);
          score += best;
        }
        return { tool: profile.tool, score };
      })
      .sort((a, b) => b.score - a.score);
  }
}

const indexes = new WeakMap<ToolSpec[], ToolIndex>();
let lastIndex: { key: string; index: ToolIndex } | undefined;

/** The index for these tools; the same tool list (by content) reuses it. */
export function toolIndexFor(tools: ToolSpec[]): ToolIndex {
  const cached = indexes.get(tools);
  if (cached) return cached;
  const key = JSON.stringify(tools);
  if (lastIndex?.key !== key) lastIndex = { key, index: new ToolIndex(tools) };
  indexes.set(tools, lastIndex.index);
  return lastIndex.index;
}
