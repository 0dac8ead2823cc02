import type { JsonValue, LogEvent } from '@pilothouse/plugin-log-search-common';

/** A field known only from flattened keys below it (`a` of `a.b`): it exists, with no value. */
export const PRESENT = Symbol('present');

export type FieldValue = string | number | boolean | null | typeof PRESENT;

/**
 * An event's fields by dotted path, for Sigma lookups: the top-level
 * LogEvent fields and every attribute, with nested objects and arrays walked
 * (an array matches when any element does, as Sigma lists do) and numeric
 * segments of flattened keys dropped (`spec.volumes.0.hostPath` is
 * `spec.volumes.hostPath`).
 */
export class EventFields {
  private index?: Map<string, FieldValue[]>;
  private text?: string[];

  constructor(readonly event: LogEvent) {}

  get(path: string): FieldValue[] {
    return this.build().get(path) ?? [];
  }

  /** Strings a keyword rule searches: the message and every string field. */
  fullText(): string[] {
    if (!this.text) {
      const text = [this.event.message];
      for (const values of this.build().values()) {
        for (const value of values) {
          if (typeof value === 'string' && value !== this.event.message) {
            text.push(value);
          }
        }
      }
      this.text = text;
    }
    return this.text;
  }

  private build(): Map<string, FieldValue[]> {
    if (this.index) return this.index;
    const index = new Map<string, FieldValue[]>();
    const add = (path: string, value: FieldValue) => {
      const values = index.get(path);
      if (!values) index.set(path, [value]);
      else if (value !== PRESENT || !values.includes(PRESENT))
        values.push(value);
    };
    const walk = (path: string, value: JsonValue) => {
      if (Array.isArray(value)) {
        for (const item of value) walk(path, item);
        if (value.length === 0) add(path, PRESENT);
      } else if (value !== null && typeof value === 'object') {
        // Its JSON text, so `contains` works on a nested object as on a string.
        add(path, JSON.stringify(value));
        for (const [key, child] of Object.entries(value)) {
          walk(`${path}.${key}`, child);
        }
      } else {
        add(path, value);
      }
    };
    const { event } = this;
    for (const key of [
      'id',
      'timestamp',
      'severity',
      'message',
      'service',
      'entityRef',
      'source',
      'traceId',
      'spanId',
    ] as const) {
      const value = event[key];
      if (value !== undefined) add(key, value);
    }
    for (const [key, value] of Object.entries(event.attributes ?? {})) {
      const segments = key.split('.').filter(s => !/^\d+$/.test(s));
      // A flattened `a.b.c` also means `a` and `a.b` exist.
      for (let i = 1; i < segments.length; i++) {
        add(segments.slice(0, i).join('.'), PRESENT);
      }
      walk(segments.join('.'), value);
    }
    this.index = index;
    return index;
  }
}
