import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  PolicyDecision,
  PolicyInput,
  PolicyLoadProblem,
  PolicyValidationError,
} from '@pilothouse/plugin-llm-gateway-common';
import type { PolicyEngine, PolicyStore } from '../types';
import { errorSummary } from './cel';
import {
  compilePolicy,
  formatValidationErrors,
  type CompiledPolicy,
  type CompiledRule,
} from './policyDocument';

/** The version of each policy that decides, and what could not be loaded. */
export interface PolicyEngineStatus {
  active: Array<{
    name: string;
    version: number;
    priority: number;
    rules: number;
  }>;
  problems: PolicyLoadProblem[];
}

interface LoadedPolicy extends CompiledPolicy {
  version: number;
}

/**
 * Evaluates the stored policies: documents by priority (then name), rules in
 * order, the first matching rule decides, and a request no rule matches is
 * denied. A rule that cannot be evaluated denies too (fail closed).
 *
 * Each replica keeps the compiled latest versions and checks the store's
 * revision at most once per refresh interval, so an edit made through another
 * replica is in force there within that interval.
 */
export class StoredPolicyEngine implements PolicyEngine {
  static create(options: {
    store: PolicyStore;
    logger: LoggerService;
    /** How stale a replica may be after an edit elsewhere; 0 checks every time. */
    refreshIntervalMs?: number;
  }): StoredPolicyEngine {
    return new StoredPolicyEngine(
      options.store,
      options.logger,
      options.refreshIntervalMs ?? 10_000,
    );
  }

  private rules: CompiledRule[] = [];
  private loaded: LoadedPolicy[] = [];
  private problems: PolicyLoadProblem[] = [];
  private revision: number | undefined;
  private checkedAt = 0;
  private pending: Promise<void> | undefined;
  /** Compiled versions by `name@version`: versions never change once stored. */
  private readonly compiled = new Map<
    string,
    { policy: LoadedPolicy } | { errors: PolicyValidationError[] }
  >();

  private constructor(
    private readonly store: PolicyStore,
    private readonly logger: LoggerService,
    private readonly refreshIntervalMs: number,
  ) {}

  async decide(input: PolicyInput): Promise<PolicyDecision> {
    try {
      await this.ensureFresh();
    } catch (error) {
      if (this.revision === undefined) {
        this.logger.error('policy engine could not load any policy', {
          error: errorSummary(error),
        });
        return {
          decision: 'deny',
          rule: 'error',
          reason:
            'The gateway could not load its policies, so it denies every request until it can.',
        };
      }
      // Keep deciding with the versions already loaded.
      this.logger.warn('policy engine could not check for policy changes', {
        error: errorSummary(error),
      });
    }
    return this.evaluate(input);
  }

  /** Reloads now, e.g. right after a save on this replica. */
  async refresh(): Promise<void> {
    await this.pending?.catch(() => undefined);
    this.checkedAt = Number.NEGATIVE_INFINITY;
    await this.ensureFresh();
  }

  async status(): Promise<PolicyEngineStatus> {
    await this.ensureFresh();
    return {
      active: this.loaded.map(p => ({
        name: p.name,
        version: p.version,
        priority: p.priority,
        rules: p.rules.length,
      })),
      problems: [...this.problems],
    };
  }

  private evaluate(input: PolicyInput): PolicyDecision {
    for (const rule of this.rules) {
      let matched: unknown;
      try {
        matched = rule.condition(input);
      } catch (error) {
        return this.failClosed(rule, input, errorSummary(error));
      }
      if (typeof matched !== 'boolean') {
        return this.failClosed(
          rule,
          input,
          `the condition gave ${String(matched)}, not true or false`,
        );
      }
      if (matched) {
        return {
          decision: rule.decision,
          rule: `${rule.policy}/${rule.name}`,
          reason: rule.reason,
          ...(rule.approval ? { approval: rule.approval } : {}),
        };
      }
    }
    return {
      decision: 'deny',
      rule: 'default',
      reason: 'No policy rule allows this request.',
    };
  }

  private failClosed(
    rule: CompiledRule,
    input: PolicyInput,
    problem: string,
  ): PolicyDecision {
    this.logger.error('policy rule could not be evaluated; request denied', {
      policy: rule.policy,
      rule: rule.name,
      problem,
      principal: input.principal.ref,
      kind: input.request.kind,
    });
    return {
      decision: 'deny',
      rule: 'error',
      reason: `Rule ${rule.name} of policy ${rule.policy} could not be evaluated (${problem}), so the request is denied.`,
    };
  }

  private ensureFresh(): Promise<void> {
    if (
      this.revision !== undefined &&
      Date.now() - this.checkedAt < this.refreshIntervalMs
    ) {
      return Promise.resolve();
    }
    if (!this.pending) {
      this.pending = this.reloadIfChanged().finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  private async reloadIfChanged(): Promise<void> {
    // Set first: while the store is unreachable, ask it once per interval,
    // not on every request.
    this.checkedAt = Date.now();
    const revision = await this.store.revision();
    if (revision === this.revision) {
      return;
    }
    const loaded: LoadedPolicy[] = [];
    const problems: PolicyLoadProblem[] = [];
    for (const latest of await this.store.list()) {
      // Stored versions were valid when saved; one that no longer compiles
      // gives way to the newest earlier version that does.
      for (let version = latest.version; version >= 1; version--) {
        const result = await this.compileVersion(latest.name, version);
        if ('policy' in result) {
          loaded.push(result.policy);
          break;
        }
        if (version === latest.version) {
          problems.push({
            name: latest.name,
            location: `stored version ${version}`,
            errors: result.errors,
            time: new Date().toISOString(),
          });
        }
      }
    }
    loaded.sort(
      (a, b) => a.priority - b.priority || a.name.localeCompare(b.name),
    );
    this.loaded = loaded;
    this.rules = loaded.flatMap(p => p.rules);
    this.problems = problems;
    this.revision = revision;
    this.logger.info('policies loaded', {
      policies: loaded.map(p => `${p.name}@${p.version}`).join(', '),
      rules: this.rules.length,
    });
  }

  private async compileVersion(
    name: string,
    version: number,
  ): Promise<{ policy: LoadedPolicy } | { errors: PolicyValidationError[] }> {
    const key = `${name}@${version}`;
    let result = this.compiled.get(key);
    if (!result) {
      const document = await this.store.get(name, version);
      const compiled = document
        ? compilePolicy(name, document.source)
        : { errors: [{ message: `version ${version} is missing` }] };
      result = compiled.policy
        ? { policy: { ...compiled.policy, version } }
        : { errors: compiled.errors };
      if ('errors' in result) {
        this.logger.error(
          'stored policy version does not compile; an earlier one stays in force',
          {
            policy: name,
            version,
            errors: formatValidationErrors(result.errors),
          },
        );
      }
      this.compiled.set(key, result);
    }
    return result;
  }
}
