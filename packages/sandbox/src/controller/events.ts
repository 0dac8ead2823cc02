import { randomBytes } from 'node:crypto';
import { ClusterStore, KubeObject } from '../store';

/** Events kept per namespace; older ones are dropped, as the real API server expires them. */
const MAX_EVENTS_PER_NAMESPACE = 300;

export interface EventInput {
  involved: KubeObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
}

/** Writes core/v1 Events the way controllers and the kubelet do. */
export class EventRecorder {
  constructor(private readonly store: ClusterStore) {}

  /**
   * Records an event; an identical event (same object, reason and message)
   * is counted again instead of duplicated.
   */
  record(input: EventInput, now = new Date()): KubeObject {
    const namespace = input.involved.metadata.namespace ?? 'default';
    const timestamp = now.toISOString();
    const existing = this.store
      .list('Event', namespace)
      .find(
        e =>
          e.involvedObject?.uid === input.involved.metadata.uid &&
          e.reason === input.reason &&
          e.message === input.message,
      );
    if (existing) {
      return this.store.update({
        ...existing,
        count: (existing.count ?? 1) + 1,
        lastTimestamp: timestamp,
      });
    }
    const event = this.store.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${input.involved.metadata.name}.${randomBytes(8).toString(
          'hex',
        )}`,
        namespace,
      },
      involvedObject: {
        apiVersion: input.involved.apiVersion,
        kind: input.involved.kind,
        name: input.involved.metadata.name,
        namespace,
        uid: input.involved.metadata.uid,
        resourceVersion: input.involved.metadata.resourceVersion,
      },
      reason: input.reason,
      message: input.message,
      type: input.type,
      source: { component: input.component },
      reportingComponent: input.component,
      reportingInstance: '',
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      count: 1,
    });
    this.prune(namespace);
    return event;
  }

  private prune(namespace: string) {
    const events = this.store
      .list('Event', namespace)
      .sort((a, b) =>
        String(a.lastTimestamp).localeCompare(String(b.lastTimestamp)),
      );
    for (const old of events.slice(
      0,
      Math.max(0, events.length - MAX_EVENTS_PER_NAMESPACE),
    )) {
      this.store.delete('Event', namespace, old.metadata.name);
    }
  }
}
