import { KubeObject } from '../store';
import { randomSuffix } from './names';

/** Annotation on a deployment (copied to its pods) that makes it misbehave on purpose. */
export const BEHAVIOUR_ANNOTATION = 'sandbox.pilothouse.dev/behaviour';

export type Behaviour = 'Healthy' | 'CrashLoopBackOff' | 'Unschedulable';

export const NODE_NAMES = [
  'sandbox-node-a',
  'sandbox-node-b',
  'sandbox-node-c',
];

export function behaviourOf(obj: KubeObject): Behaviour {
  const value = obj.metadata.annotations?.[BEHAVIOUR_ANNOTATION];
  return value === 'CrashLoopBackOff' || value === 'Unschedulable'
    ? value
    : 'Healthy';
}

let podIpCounter = 10;
function nextPodIp(): string {
  podIpCounter = (podIpCounter % 250) + 1;
  return `10.244.${Math.floor(Math.random() * 3)}.${podIpCounter}`;
}

/** Builds a pod for a ReplicaSet, in the state its behaviour dictates. */
export function buildPod(
  replicaSet: KubeObject,
  behaviour: Behaviour,
  now: Date,
): KubeObject {
  const template = replicaSet.spec.template;
  const containers: Array<{ name: string; image: string }> =
    template.spec?.containers ?? [];
  const started = now.toISOString();
  const name = `${replicaSet.metadata.name}-${randomSuffix()}`;
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: replicaSet.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      annotations: {
        ...(template.metadata?.annotations ?? {}),
        ...(behaviour !== 'Healthy'
          ? { [BEHAVIOUR_ANNOTATION]: behaviour }
          : {}),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: replicaSet.metadata.name,
          uid: replicaSet.metadata.uid!,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: structuredClone(template.spec ?? {}),
    status: {},
  };

  if (behaviour === 'Unschedulable') {
    pod.status = {
      phase: 'Pending',
      qosClass: 'Burstable',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: `0/${NODE_NAMES.length} nodes are available: ${NODE_NAMES.length} Insufficient memory. preemption: 0/${NODE_NAMES.length} nodes are available: ${NODE_NAMES.length} No preemption victims found for incoming pod.`,
          lastProbeTime: null,
          lastTransitionTime: started,
        },
      ],
    };
    return pod;
  }

  const nodeName = NODE_NAMES[Math.floor(Math.random() * NODE_NAMES.length)];
  pod.spec.nodeName = nodeName;
  const ready = behaviour === 'Healthy';
  const condition = (type: string, status: boolean, reason?: string) => ({
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: started,
    ...(reason ? { reason } : {}),
  });
  pod.status = {
    phase: 'Running',
    hostIP: '172.18.0.2',
    podIP: nextPodIp(),
    startTime: started,
    qosClass: 'BestEffort',
    conditions: [
      condition('PodReadyToStartContainers', true),
      condition('Initialized', true),
      condition('Ready', ready, ready ? undefined : 'ContainersNotReady'),
      condition(
        'ContainersReady',
        ready,
        ready ? undefined : 'ContainersNotReady',
      ),
      condition('PodScheduled', true),
    ],
    containerStatuses: containers.map(c =>
      ready
        ? {
            name: c.name,
            image: c.image,
            imageID: `${c.image.split(':')[0]}@sha256:${'0'.repeat(64)}`,
            containerID: `containerd://${randomSuffix()}${randomSuffix()}`,
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: started } },
          }
        : crashLoopStatus(c, name, 1, now),
    ),
  };
  return pod;
}

/** A container status stuck in CrashLoopBackOff after `restarts` restarts. */
export function crashLoopStatus(
  container: { name: string; image: string },
  podName: string,
  restarts: number,
  now: Date,
) {
  const backoff = Math.min(300, 10 * 2 ** Math.min(restarts, 5));
  return {
    name: container.name,
    image: container.image,
    imageID: `${container.image.split(':')[0]}@sha256:${'0'.repeat(64)}`,
    ready: false,
    started: false,
    restartCount: restarts,
    state: {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${backoff}s restarting failed container=${container.name} pod=${podName}`,
      },
    },
    lastState: {
      terminated: {
        exitCode: 1,
        reason: 'Error',
        startedAt: new Date(now.getTime() - 4000).toISOString(),
        finishedAt: now.toISOString(),
      },
    },
  };
}

export function podIsReady(pod: KubeObject): boolean {
  return Boolean(
    pod.status?.conditions?.some(
      (c: { type: string; status: string }) =>
        c.type === 'Ready' && c.status === 'True',
    ),
  );
}
