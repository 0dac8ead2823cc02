import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  Detection,
  DetectionRuleInfo,
  LogEvent,
  RuleListResponse,
} from '@pilothouse/plugin-log-search-common';
import type { LogEventProcessor } from '@pilothouse/plugin-log-search-node';
import type {
  DetectionHit,
  DetectionStore,
  ServiceCount,
} from '../../database/DatabaseDetectionStore';
import { CorrelationEngine } from '../../sigma/correlation';
import { EventFields, PRESENT } from '../../sigma/eventFields';
import type { LoadedPack } from '../../sigma/loadPacks';
import { lookupThrough } from '../../sigma/logSources';
import {
  refersTo,
  SigmaCorrelationRule,
  SigmaDetectionRule,
  SigmaRule,
} from '../../sigma/rules';

export interface DetectionSettings {
  /** A match joins an unresolved detection of its rule and group seen this recently. */
  groupWindowMs: number;
  /** Events kept per detection. */
  maxEventsPerDetection: number;
  /** Entries kept per correlation window. */
  maxWindowEntries: number;
  /** Rule ids (or names) loaded but not run. */
  disabledRules: string[];
}

/** Told about each new detection (alert routing). */
export type DetectionListener = (detection: Detection) => void;

const ERROR_SEVERITIES = new Set(['error', 'fatal']);

/**
 * The catalog entity of the first event that names one: the enriched
 * `entityRef`, else the `entityRef` field an audit record carries.
 */
function entityOf(events: LogEvent[]): string | undefined {
  for (const event of events) {
    if (event.entityRef) return event.entityRef;
    const named = event.attributes?.entityRef;
    if (typeof named === 'string' && named) return named;
  }
  return undefined;
}

/**
 * Runs the loaded Sigma rules and correlations on each stored batch, groups
 * the matches into detections, keeps correlation windows across restarts and
 * counts events per service per minute for the anomaly baselines.
 */
export class DetectionEngine implements LogEventProcessor {
  readonly id = 'sigma';
  private readonly detectionRules: SigmaDetectionRule[];
  private readonly correlationRules: SigmaCorrelationRule[];
  private readonly correlations: CorrelationEngine;
  /** Rules that make detections on their own (not only feed correlations). */
  private readonly standalone = new Set<string>();
  private readonly listeners: DetectionListener[] = [];
  private readonly infos: DetectionRuleInfo[] = [];

  static async create(options: {
    packs: LoadedPack[];
    store: DetectionStore;
    logger: LoggerService;
    settings: DetectionSettings;
  }): Promise<DetectionEngine> {
    const engine = new DetectionEngine(
      options.packs,
      options.store,
      options.logger,
      options.settings,
    );
    const now = Date.now();
    engine.correlations.restore(await options.store.loadWindows(now));
    return engine;
  }

  private constructor(
    private readonly packs: LoadedPack[],
    private readonly store: DetectionStore,
    private readonly logger: LoggerService,
    private readonly settings: DetectionSettings,
  ) {
    const all: SigmaRule[] = packs.flatMap(p => p.rules);
    const disabled = (rule: SigmaRule) =>
      settings.disabledRules.some(ref => refersTo(ref, rule));
    this.detectionRules = all.filter(
      (r): r is SigmaDetectionRule => r.kind === 'detection',
    );
    this.correlationRules = all.filter(
      (r): r is SigmaCorrelationRule => r.kind === 'correlation',
    );

    for (const correlation of this.correlationRules) {
      if (correlation.unsupported) continue;
      for (const reference of correlation.rules) {
        const base = all.find(r => refersTo(reference, r));
        if (!base) {
          correlation.unsupported = `it refers to rule "${reference}", which is not loaded`;
        } else if (base.kind === 'correlation') {
          correlation.unsupported = `it refers to correlation "${reference}" (chained correlations)`;
        } else if (base.unsupported) {
          correlation.unsupported = `rule "${reference}" it refers to is unsupported: ${base.unsupported}`;
        }
        if (correlation.unsupported) break;
      }
    }
    const running = this.correlationRules.filter(
      c => !c.unsupported && !disabled(c),
    );
    this.correlations = new CorrelationEngine(
      running,
      this.detectionRules.filter(r => !r.unsupported),
      {
        maxEvents: settings.maxEventsPerDetection,
        maxEntries: settings.maxWindowEntries,
      },
    );
    for (const rule of this.detectionRules) {
      if (rule.unsupported || disabled(rule)) continue;
      const feeding = running.filter(c =>
        c.rules.some(ref => refersTo(ref, rule)),
      );
      // Sigma: rules a correlation refers to make no detections of their
      // own unless a correlation says `generate: true`.
      if (feeding.length === 0 || feeding.some(c => c.generate))
        this.standalone.add(rule.id);
    }
    for (const rule of all) {
      this.infos.push({
        id: rule.id,
        title: rule.title,
        level: rule.level,
        type: rule.kind === 'detection' ? 'detection' : rule.type,
        pack: rule.pack,
        attack: rule.attack,
        enabled: !rule.unsupported && !disabled(rule),
        ...(rule.unsupported ? { unsupported: rule.unsupported } : {}),
      });
    }
  }

  onDetection(listener: DetectionListener) {
    this.listeners.push(listener);
  }

  rules(): DetectionRuleInfo[] {
    return this.infos;
  }

  packSummary(): RuleListResponse['packs'] {
    return this.packs.map(pack => ({
      pack: pack.name,
      loaded: pack.rules.length,
      supported: pack.rules.filter(r => !r.unsupported).length,
    }));
  }

  /** Details of loading for logs and tests: invalid files and missing directories. */
  loadReport() {
    return this.packs.map(p => ({
      pack: p.name,
      loaded: p.rules.length,
      supported: p.rules.filter(r => !r.unsupported).length,
      invalid: p.errors,
      ...(p.missing ? { missing: p.missing } : {}),
    }));
  }

  async process(events: LogEvent[]): Promise<void> {
    const hits = new Map<string, DetectionHit>();
    const add = (
      rule: SigmaRule,
      groupKey: string,
      matched: LogEvent[],
      count: number,
    ) => {
      const key = JSON.stringify([rule.id, groupKey]);
      const hit = hits.get(key);
      if (hit) {
        hit.count += count;
        hit.events.push(...matched);
        hit.entityRef ??= entityOf(matched);
        return;
      }
      const entityRef = entityOf(matched);
      hits.set(key, {
        ruleId: rule.id,
        ruleTitle: rule.title,
        level: rule.level,
        attack: rule.attack,
        ...(entityRef ? { entityRef } : {}),
        groupKey,
        count,
        events: [...matched],
      });
    };

    const counts = new Map<string, ServiceCount>();
    const ordered = [...events].sort(
      (a, b) => (Date.parse(a.timestamp) || 0) - (Date.parse(b.timestamp) || 0),
    );
    for (const event of ordered) {
      this.count(counts, event);
      const fields = new EventFields(event);
      const sourceCache = new Map<string, boolean>();
      for (const rule of this.detectionRules) {
        if (!rule.match || !rule.mapping) continue;
        const mapping = rule.mapping;
        let applies = sourceCache.get(mapping.id);
        if (applies === undefined) {
          applies = mapping.appliesTo(fields);
          sourceCache.set(mapping.id, applies);
        }
        if (!applies) continue;
        const standalone = this.standalone.has(rule.id);
        const feeds = this.correlations.listensTo(rule);
        if (!standalone && !feeds) continue;
        if (!rule.match(fields)) continue;
        if (standalone) add(rule, this.principalKey(rule, fields), [event], 1);
        for (const hit of this.correlations.observe(rule, fields)) {
          add(hit.rule, hit.groupKey, hit.events, 1);
        }
      }
    }

    if (hits.size > 0) {
      const stored = await this.store.record([...hits.values()], {
        groupWindowMs: this.settings.groupWindowMs,
        maxEvents: this.settings.maxEventsPerDetection,
      });
      for (const { detection, created } of stored) {
        if (!created) continue;
        this.logger.info('new detection', {
          detectionId: detection.id,
          ruleId: detection.ruleId,
          level: detection.level,
          groupKey: detection.groupKey,
        });
        for (const listener of this.listeners) listener(detection);
      }
    }
    await this.store.saveWindows(this.correlations.takeChanged());
    await this.store.addCounts([...counts.values()]);
  }

  /** Drops expired correlation windows (memory and database). */
  async prune(now = Date.now()) {
    this.correlations.prune(now);
    await this.store.deleteExpiredWindows(now);
  }

  openWindows() {
    return this.correlations.openWindows();
  }

  private count(counts: Map<string, ServiceCount>, event: LogEvent) {
    const t = Date.parse(event.timestamp);
    const minute = Math.floor((Number.isNaN(t) ? Date.now() : t) / 60_000);
    const service = event.service ?? 'unknown';
    const key = `${service}\u0000${minute}`;
    let c = counts.get(key);
    if (!c) {
      c = { service, minute, total: 0, errors: 0 };
      counts.set(key, c);
    }
    c.total++;
    const entityRef = entityOf([event]);
    if (entityRef) c.entityRef = entityRef;
    if (ERROR_SEVERITIES.has(event.severity)) c.errors++;
  }

  /** Who did it, by the log source's principal fields: the group of a single-event detection. */
  private principalKey(rule: SigmaDetectionRule, fields: EventFields): string {
    const mapping = rule.mapping!;
    const lookup = lookupThrough(mapping);
    for (const field of mapping.principal) {
      const value = lookup(fields, field).find(
        v => v !== null && v !== PRESENT,
      );
      if (value !== undefined) return `${field}=${String(value)}`;
    }
    return fields.event.service ? `service=${fields.event.service}` : '';
  }
}
