import type { LogEvent } from '@pilothouse/plugin-log-search-common';
import type { QueryNode } from '../query/ast';
import { matchEvent } from '../query/matchEvent';

type Listener = (events: LogEvent[]) => void;

/**
 * Subscribers of `GET /v1/tail`: each gets the newly stored events that
 * match its query, in the order they were stored (this replica's ingest).
 */
export class LiveTail {
  private readonly listeners = new Set<{
    query: QueryNode;
    listener: Listener;
  }>();

  subscribe(query: QueryNode, listener: Listener): () => void {
    const entry = { query, listener };
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  get size(): number {
    return this.listeners.size;
  }

  publish(events: LogEvent[]): void {
    for (const { query, listener } of this.listeners) {
      const matching = events.filter(event => matchEvent(query, event));
      if (matching.length > 0) listener(matching);
    }
  }
}
