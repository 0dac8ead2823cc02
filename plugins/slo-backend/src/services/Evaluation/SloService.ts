import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type {
  MetricsService,
  MetricsServiceCounter,
} from '@backstage/backend-plugin-api/alpha';
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  generatePrometheusRules,
  rulesToYaml,
  SloEntityStatus,
  SloHistoryResponse,
  SloListResponse,
  SloSummary,
} from '@pilothouse/plugin-slo-common';
import type {
  SloStore,
  StoredEvaluation,
} from '../../database/DatabaseSloStore';
import { PrometheusError } from '../Prometheus/PrometheusClient';
import type { SloEntities, SloEntry } from '../SloEntities/SloEntities';
import { SloEvaluator, unknownFigures } from './SloEvaluator';

/** Filters of `GET /v1/slos`; each may list several values (any matches). */
export interface SloFilter {
  owner?: string[];
  system?: string[];
  targetRef?: string[];
  status?: SloSummary['status'][];
}

const STATUS_RANK: Record<SloSummary['status'], number> = {
  burning: 0,
  warning: 1,
  ok: 2,
  unknown: 3,
};

/**
 * Who is in trouble first: burning, then warning, then the rest; within a
 * status the least budget left first; SLOs not yet evaluated last.
 */
export function byTrouble(a: SloSummary, b: SloSummary): number {
  return (
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    (a.budgetRemaining ?? Infinity) - (b.budgetRemaining ?? Infinity) ||
    a.entityRef.localeCompare(b.entityRef)
  );
}

function normalizeRef(ref: string, defaultKind: string): string {
  try {
    const parsed = parseEntityRef(ref, {
      defaultKind,
      defaultNamespace: 'default',
    });
    return `${parsed.kind}:${parsed.namespace}/${parsed.name}`.toLocaleLowerCase(
      'en-US',
    );
  } catch (error) {
    throw new InputError(
      `${JSON.stringify(ref)} is not an entity reference: ${
        (error as Error).message
      }`,
    );
  }
}

function matches(value: string | undefined, wanted: string[] | undefined) {
  if (!wanted?.length) return true;
  return (
    value !== undefined && wanted.includes(value.toLocaleLowerCase('en-US'))
  );
}

export interface SloServiceOptions {
  entities: SloEntities;
  evaluator: SloEvaluator;
  store: SloStore;
  auth: AuthService;
  logger: LoggerService;
  now?: () => Date;
  /** Where evaluation counts go (Prometheus in Pilothouse). */
  metrics?: MetricsService;
}

/** Evaluates SLO entities, keeps their last evaluation, and answers about them. */
export class SloService {
  private lastRunError: string | undefined;
  private readonly now: () => Date;
  private readonly evaluations?: MetricsServiceCounter<{ outcome: string }>;

  constructor(private readonly options: SloServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.evaluations = options.metrics?.createCounter('slo.evaluations', {
      description:
        'SLO evaluations, by outcome (ok, failed: the SLO or its query is wrong, unreachable: Prometheus could not be reached)',
    });
  }

  /** Why the latest evaluation run could not reach Prometheus, if it could not. */
  get prometheusError(): string | undefined {
    return this.lastRunError;
  }

  /** Evaluates every SLO in the catalog (as the plugin itself) and stores the results. */
  async evaluateAll(): Promise<{ evaluated: number; failed: number }> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const entries = await this.options.entities.list(credentials);
    let evaluated = 0;
    let failed = 0;
    let unreachable: string | undefined;
    for (const entry of entries) {
      // Once Prometheus is known to be down, record that for the rest without waiting on each.
      const ok = await this.evaluateEntry(entry, unreachable);
      if (ok === true) evaluated++;
      else {
        failed++;
        if (ok.unreachable) unreachable ??= ok.message;
      }
      let outcome = 'ok';
      if (ok !== true) outcome = ok.unreachable ? 'unreachable' : 'failed';
      this.evaluations?.add(1, { outcome });
    }
    await this.options.store.retainOnly(entries.map(e => e.entityRef));
    this.lastRunError = unreachable;
    if (unreachable) {
      this.options.logger.warn('SLO evaluation could not reach Prometheus', {
        error: unreachable,
        slos: entries.length,
      });
    } else {
      this.options.logger.debug('SLOs evaluated', { evaluated, failed });
    }
    return { evaluated, failed };
  }

  /** Evaluates one SLO now and stores the result; true, or the failure. */
  private async evaluateEntry(
    entry: SloEntry,
    knownUnreachable?: string,
  ): Promise<true | { message: string; unreachable: boolean }> {
    const now = this.now();
    const { store } = this.options;
    if (!entry.definition) {
      const message = `the SLO cannot be read: ${entry.problems.join('; ')}`;
      await store.recordFailure(
        entry.entityRef,
        message,
        now,
        placeholderFigures(),
      );
      return { message, unreachable: false };
    }
    if (knownUnreachable) {
      await store.recordFailure(
        entry.entityRef,
        knownUnreachable,
        now,
        unknownFigures(entry.definition, now),
      );
      return { message: knownUnreachable, unreachable: true };
    }
    try {
      const figures = await this.options.evaluator.evaluate(
        entry.definition,
        now,
      );
      await store.recordSuccess(entry.entityRef, figures, now);
      return true;
    } catch (error) {
      if (!(error instanceof PrometheusError)) throw error;
      await store.recordFailure(
        entry.entityRef,
        error.message,
        now,
        unknownFigures(entry.definition, now),
      );
      return { message: error.message, unreachable: error.unreachable };
    }
  }

  private summaryOf(entry: SloEntry, stored?: StoredEvaluation): SloSummary {
    const figures =
      stored?.figures ??
      (entry.definition
        ? unknownFigures(entry.definition, this.now())
        : placeholderFigures());
    const error =
      stored?.error ??
      (entry.definition
        ? undefined
        : `the SLO cannot be read: ${entry.problems.join('; ')}`);
    return {
      entityRef: entry.entityRef,
      title: entry.title,
      description: entry.description,
      targetRef: entry.targetRef,
      ownerRef: entry.ownerRef,
      systemRef: entry.systemRef,
      ...figures,
      evaluatedAt: stored?.evaluatedAt,
      statusSince: stored?.evaluatedAt ? stored.statusSince : undefined,
      ...(error
        ? {
            error: stored?.evaluatedAt
              ? `${error}; showing the evaluation of ${stored.evaluatedAt}`
              : error,
          }
        : {}),
    };
  }

  /** Every SLO the caller may read, who is in trouble first. */
  async list(
    credentials: BackstageCredentials,
    filter: SloFilter = {},
  ): Promise<SloListResponse> {
    const owner = filter.owner?.map(r => normalizeRef(r, 'Group'));
    const system = filter.system?.map(r => normalizeRef(r, 'System'));
    const target = filter.targetRef?.map(r => normalizeRef(r, 'Component'));
    const entries = await this.options.entities.list(credentials);
    const stored = new Map(
      (await this.options.store.list()).map(s => [s.entityRef, s]),
    );
    const items = entries
      .map(entry => this.summaryOf(entry, stored.get(entry.entityRef)))
      .filter(
        s =>
          matches(s.ownerRef, owner) &&
          matches(s.systemRef, system) &&
          matches(s.targetRef, target) &&
          (!filter.status?.length || filter.status.includes(s.status)),
      )
      .sort(byTrouble);
    return {
      items,
      ...(this.lastRunError ? { error: this.lastRunError } : {}),
    };
  }

  /** One SLO; evaluated now when it never was. */
  async get(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<SloSummary> {
    const entry = await this.options.entities.get(ref, credentials);
    let stored = await this.options.store.get(entry.entityRef);
    if (!stored) {
      await this.evaluateEntry(entry);
      stored = await this.options.store.get(entry.entityRef);
    }
    return this.summaryOf(entry, stored);
  }

  /** The SLI and budget burn-down over the SLO's window, from Prometheus. */
  async history(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<SloHistoryResponse> {
    const entry = await this.options.entities.get(ref, credentials);
    if (!entry.definition) {
      throw new InputError(
        `${entry.entityRef} cannot be read as OpenSLO: ${entry.problems.join(
          '; ',
        )}`,
      );
    }
    try {
      const points = await this.options.evaluator.history(
        entry.definition,
        this.now(),
      );
      return { entityRef: entry.entityRef, points };
    } catch (error) {
      // The history is read from Prometheus live: its failure is a 503 that
      // says so, not an internal error.
      if (!(error instanceof PrometheusError)) throw error;
      throw new ServiceUnavailableError(
        `The history of ${entry.entityRef} could not be read: ${error.message}`,
      );
    }
  }

  /** The Prometheus rule groups of one SLO, as YAML. */
  async rules(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<{ name: string; yaml: string }> {
    const entry = await this.options.entities.get(ref, credentials);
    if (!entry.definition) {
      throw new InputError(
        `${entry.entityRef} cannot be read as OpenSLO: ${entry.problems.join(
          '; ',
        )}`,
      );
    }
    return {
      name: entry.entity.metadata.name,
      yaml: rulesToYaml(generatePrometheusRules(entry.definition)),
    };
  }

  /** Is the entity's SLO burning now? From the stored evaluations. */
  async status(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<SloEntityStatus> {
    const wanted = normalizeRef(entityRef, 'Component');
    const entries = (await this.options.entities.list(credentials)).filter(
      e =>
        e.targetRef?.toLocaleLowerCase('en-US') === wanted ||
        e.entityRef.toLocaleLowerCase('en-US') === wanted,
    );
    const summaries = await Promise.all(
      entries.map(async e =>
        this.summaryOf(e, await this.options.store.get(e.entityRef)),
      ),
    );
    summaries.sort(byTrouble);
    return {
      entityRef: wanted,
      burning: summaries.some(s => s.status === 'burning'),
      warning: summaries.some(
        s => s.status === 'burning' || s.status === 'warning',
      ),
      slos: summaries.map(s => ({
        entityRef: s.entityRef,
        status: s.status,
        budgetRemaining: s.budgetRemaining,
      })),
    };
  }
}

/** Figures of an SLO that cannot even be read. */
function placeholderFigures() {
  return {
    objective: 0,
    window: { kind: 'rolling' as const, duration: '' },
    sli: { type: 'ratio' as const, value: null },
    budgetTotal: 0,
    budgetConsumed: null,
    budgetRemaining: null,
    burnRates: {},
    alerts: [],
    status: 'unknown' as const,
  };
}
