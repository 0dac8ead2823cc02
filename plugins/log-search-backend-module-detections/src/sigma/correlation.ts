import type { LogEvent } from '@pilothouse/plugin-log-search-common';
import type { EventFields } from './eventFields';
import { PRESENT } from './eventFields';
import { lookupThrough } from './logSources';
import { refersTo, SigmaCorrelationRule, SigmaDetectionRule } from './rules';

/** One matched event in a correlation window. */
interface WindowEntry {
  /** Event time, ms. */
  t: number;
  /** Which of the correlation's rules matched (index into `rules`). */
  r: number;
  /** The condition field's value (value_count, value_sum, value_avg). */
  v?: string | number;
}

/** What a restart must not lose: the open window of one group. */
export interface WindowState {
  entries: WindowEntry[];
  /** The most recent matching events, oldest first. */
  events: LogEvent[];
}

export interface StoredWindow {
  correlationId: string;
  groupKey: string;
  state: WindowState;
  /** When the newest entry leaves the window (ms): the row may go then. */
  expiresAt: number;
}

export interface CorrelationHit {
  rule: SigmaCorrelationRule;
  groupKey: string;
  events: LogEvent[];
  /** Event time of the match that completed it. */
  time: number;
}

export interface CorrelationOptions {
  /** Events kept per window for the detection. */
  maxEvents: number;
  /** Entries kept per window; the oldest go first past this. */
  maxEntries: number;
}

const windowId = (correlationId: string, groupKey: string) =>
  JSON.stringify([correlationId, groupKey]);

/**
 * Sigma correlation rules on a stream: sliding windows per rule and group
 * (`group-by` values, through `aliases`), by event time. A window that meets
 * its condition makes one hit and starts over, so a burst of 50 denied calls
 * against `gte: 5` is ten hits, not 46.
 */
export class CorrelationEngine {
  private readonly windows = new Map<
    string,
    { correlationId: string; groupKey: string; state: WindowState }
  >();
  private readonly dirty = new Set<string>();
  private readonly byBaseRule = new Map<
    string,
    Array<{ rule: SigmaCorrelationRule; index: number }>
  >();

  constructor(
    readonly correlations: SigmaCorrelationRule[],
    baseRules: SigmaDetectionRule[],
    private readonly options: CorrelationOptions,
  ) {
    for (const rule of correlations) {
      if (rule.unsupported) continue;
      rule.rules.forEach((reference, index) => {
        for (const base of baseRules) {
          if (!refersTo(reference, base)) continue;
          const list = this.byBaseRule.get(base.id) ?? [];
          list.push({ rule, index });
          this.byBaseRule.set(base.id, list);
        }
      });
    }
  }

  /** Whether any correlation listens to this rule. */
  listensTo(base: SigmaDetectionRule): boolean {
    return this.byBaseRule.has(base.id);
  }

  /** Feeds one match of a base rule; answers the correlations it completed. */
  observe(base: SigmaDetectionRule, fields: EventFields): CorrelationHit[] {
    const listeners = this.byBaseRule.get(base.id);
    if (!listeners) return [];
    const hits: CorrelationHit[] = [];
    const time = Date.parse(fields.event.timestamp);
    const t = Number.isNaN(time) ? Date.now() : time;
    for (const { rule, index } of listeners) {
      const groupKey = this.groupKeyOf(rule, base, fields);
      const id = windowId(rule.id, groupKey);
      let window = this.windows.get(id);
      if (!window) {
        window = {
          correlationId: rule.id,
          groupKey,
          state: { entries: [], events: [] },
        };
        this.windows.set(id, window);
      }
      const { state } = window;
      const entry: WindowEntry = { t, r: index };
      if (rule.condition?.field) {
        const value = this.valueOf(rule, base, fields, rule.condition.field);
        if (value !== undefined) entry.v = value;
      }
      state.entries.push(entry);
      state.entries.sort((a, b) => a.t - b.t);
      const newest = state.entries[state.entries.length - 1].t;
      state.entries = state.entries
        .filter(e => e.t >= newest - rule.timespanMs)
        .slice(-this.options.maxEntries);
      state.events.push(fields.event);
      state.events = state.events
        .filter(e => Date.parse(e.timestamp) >= newest - rule.timespanMs)
        .slice(-this.options.maxEvents);
      this.dirty.add(id);
      if (this.satisfied(rule, state.entries)) {
        hits.push({ rule, groupKey, events: [...state.events], time: t });
        state.entries = [];
        state.events = [];
      }
    }
    return hits;
  }

  private satisfied(
    rule: SigmaCorrelationRule,
    entries: WindowEntry[],
  ): boolean {
    const meets = (n: number) => {
      const c = rule.condition;
      if (!c) return true;
      return c.op === 'gt' ? n > c.value : n >= c.value;
    };
    switch (rule.type) {
      case 'event_count':
        return meets(entries.length);
      case 'value_count':
        return meets(
          new Set(entries.filter(e => e.v !== undefined).map(e => String(e.v)))
            .size,
        );
      case 'value_sum':
      case 'value_avg': {
        const numbers = entries
          .map(e => Number(e.v))
          .filter(n => !Number.isNaN(n));
        if (numbers.length === 0) return false;
        const sum = numbers.reduce((a, b) => a + b, 0);
        return meets(rule.type === 'value_sum' ? sum : sum / numbers.length);
      }
      case 'temporal': {
        const seen = new Set(entries.map(e => e.r)).size;
        return rule.condition ? meets(seen) : seen === rule.rules.length;
      }
      case 'temporal_ordered': {
        let next = 0;
        for (const e of entries) {
          if (e.r === next) next++;
          if (next === rule.rules.length) return true;
        }
        return false;
      }
      default:
        return false;
    }
  }

  /** The field a correlation's group-by (or condition) name means for one base rule. */
  private fieldFor(
    rule: SigmaCorrelationRule,
    base: SigmaDetectionRule,
    name: string,
  ) {
    const alias = rule.aliases[name];
    if (!alias) return name;
    return (base.name && alias[base.name]) ?? alias[base.id] ?? name;
  }

  private valueOf(
    rule: SigmaCorrelationRule,
    base: SigmaDetectionRule,
    fields: EventFields,
    name: string,
  ): string | number | undefined {
    const lookup = base.mapping
      ? lookupThrough(base.mapping)
      : (f: EventFields, n: string) => f.get(n);
    for (const value of lookup(fields, this.fieldFor(rule, base, name))) {
      if (value === null || value === PRESENT) continue;
      return typeof value === 'number' ? value : String(value);
    }
    return undefined;
  }

  private groupKeyOf(
    rule: SigmaCorrelationRule,
    base: SigmaDetectionRule,
    fields: EventFields,
  ) {
    return rule.groupBy
      .map(name => `${name}=${this.valueOf(rule, base, fields, name) ?? ''}`)
      .join(', ');
  }

  /** The windows changed since the last call (for persisting), and forgets that they changed. */
  takeChanged(): StoredWindow[] {
    const changed: StoredWindow[] = [];
    for (const id of this.dirty) {
      const window = this.windows.get(id);
      if (!window) continue;
      changed.push({
        ...window,
        expiresAt: this.expiryOf(window.correlationId, window.state),
      });
    }
    this.dirty.clear();
    return changed;
  }

  /** Puts back windows saved before a restart (those of unknown rules are dropped). */
  restore(saved: StoredWindow[]) {
    const known = new Set(this.correlations.map(c => c.id));
    for (const w of saved) {
      if (!known.has(w.correlationId)) continue;
      this.windows.set(windowId(w.correlationId, w.groupKey), {
        correlationId: w.correlationId,
        groupKey: w.groupKey,
        state: w.state,
      });
    }
  }

  /** Drops windows with nothing left inside them at `now`. */
  prune(now: number) {
    for (const [id, window] of this.windows) {
      if (this.expiryOf(window.correlationId, window.state) < now) {
        this.windows.delete(id);
        this.dirty.delete(id);
      }
    }
  }

  openWindows(): number {
    return this.windows.size;
  }

  private expiryOf(correlationId: string, state: WindowState): number {
    const rule = this.correlations.find(c => c.id === correlationId);
    const newest = state.entries.length
      ? state.entries[state.entries.length - 1].t
      : 0;
    return newest + (rule?.timespanMs ?? 0);
  }
}
