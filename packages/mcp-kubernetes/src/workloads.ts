import { CoreV1Event, V1Deployment, V1Pod } from '@kubernetes/client-node';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

export interface WorkloadSummary {
  namespace: string;
  name: string;
  desired: number;
  ready: number;
  updated: number;
  available: number;
  revision?: number;
  images: string[];
}

export function summarizeDeployment(d: V1Deployment): WorkloadSummary {
  const revision = d.metadata?.annotations?.[REVISION_ANNOTATION];
  return {
    namespace: d.metadata?.namespace ?? '',
    name: d.metadata?.name ?? '',
    desired: d.spec?.replicas ?? 1,
    ready: d.status?.readyReplicas ?? 0,
    updated: d.status?.updatedReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    ...(revision ? { revision: Number(revision) } : {}),
    images: (d.spec?.template?.spec?.containers ?? []).map(c => c.image ?? ''),
  };
}

export interface PodSummary {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  node?: string;
  /** Why the pod is not healthy, when it is not (CrashLoopBackOff, Unschedulable, ...). */
  problem?: string;
  /** Human-readable details of the problem. */
  detail?: string;
  startedAt?: string;
}

/** Summarises a pod, naming the reason it is unhealthy if it is. */
export function summarizePod(pod: V1Pod): PodSummary {
  const statuses = pod.status?.containerStatuses ?? [];
  const ready =
    pod.status?.conditions?.some(
      c => c.type === 'Ready' && c.status === 'True',
    ) ?? false;
  const summary: PodSummary = {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready,
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    ...(pod.status?.startTime
      ? { startedAt: new Date(pod.status.startTime).toISOString() }
      : {}),
  };
  const unschedulable = pod.status?.conditions?.find(
    c => c.type === 'PodScheduled' && c.status === 'False',
  );
  const waiting = statuses.find(s => s.state?.waiting?.reason);
  if (unschedulable) {
    summary.problem = unschedulable.reason ?? 'Unschedulable';
    summary.detail = unschedulable.message;
  } else if (waiting) {
    summary.problem = waiting.state!.waiting!.reason;
    summary.detail = waiting.state!.waiting!.message;
  } else if (summary.phase === 'Failed') {
    summary.problem = pod.status?.reason ?? 'Failed';
    summary.detail = pod.status?.message;
  } else if (summary.phase === 'Pending') {
    summary.problem = 'Pending';
  } else if (!ready && summary.phase === 'Running') {
    summary.problem = 'NotReady';
    summary.detail = 'readiness probe failing or containers not ready';
  }
  return summary;
}

export interface EventSummary {
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
  lastSeen?: string;
}

function eventTime(e: CoreV1Event): Date | undefined {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
  return t ? new Date(t) : undefined;
}

/** Newest first, at most `limit`. */
export function summarizeEvents(
  events: CoreV1Event[],
  limit: number,
): EventSummary[] {
  return [...events]
    .sort(
      (a, b) => (eventTime(b)?.getTime() ?? 0) - (eventTime(a)?.getTime() ?? 0),
    )
    .slice(0, limit)
    .map(e => ({
      type: e.type ?? 'Normal',
      reason: e.reason ?? '',
      object: `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`,
      message: e.message ?? '',
      count: e.count ?? 1,
      ...(eventTime(e) ? { lastSeen: eventTime(e)!.toISOString() } : {}),
    }));
}

export function isRecent(e: CoreV1Event, windowMs: number, now = Date.now()) {
  const t = eventTime(e);
  return t ? now - t.getTime() <= windowMs : false;
}

/** matchLabels as a label selector string. */
export function selectorOf(d: V1Deployment): string {
  return Object.entries(d.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
