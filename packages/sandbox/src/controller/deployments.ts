import { ClusterStore, KubeObject } from '../store';
import { EventRecorder } from './events';
import { templateHash } from './names';
import {
  Behaviour,
  BEHAVIOUR_ANNOTATION,
  behaviourOf,
  buildPod,
  crashLoopStatus,
  podIsReady,
} from './pods';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const DEFAULT_REVISION_HISTORY_LIMIT = 10;

function revisionOf(obj: KubeObject): number {
  return Number(obj.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
}

function ownedBy(owner: KubeObject) {
  return (obj: KubeObject) =>
    obj.metadata.ownerReferences?.some(ref => ref.uid === owner.metadata.uid) ??
    false;
}

/**
 * A deliberately small stand-in for the deployment and replica-set
 * controllers and the kubelet: rollouts are instant (the new ReplicaSet takes
 * all replicas, old ones go to zero), pods are created and deleted at once,
 * and the same events a real cluster writes are recorded.
 */
export class WorkloadController {
  constructor(
    private readonly store: ClusterStore,
    private readonly events: EventRecorder,
  ) {}

  reconcileAll(now = new Date()): void {
    for (const deployment of this.store.list('Deployment')) {
      this.reconcile(deployment, now);
    }
  }

  /** Brings replica sets and pods in line with the deployment; returns the updated deployment. */
  reconcile(deployment: KubeObject, now = new Date()): KubeObject {
    const namespace = deployment.metadata.namespace;
    const replicas: number = deployment.spec.replicas ?? 1;
    const hash = templateHash(deployment.spec.template);
    const replicaSets = this.store
      .list('ReplicaSet', namespace)
      .filter(ownedBy(deployment));
    const maxRevision = Math.max(0, ...replicaSets.map(revisionOf));

    let current = replicaSets.find(
      rs => rs.metadata.labels?.['pod-template-hash'] === hash,
    );
    if (!current) {
      current = this.createReplicaSet(deployment, hash, maxRevision + 1, now);
    } else if (revisionOf(current) !== maxRevision) {
      // Rolling back to an older template re-uses its ReplicaSet and moves it
      // to the newest revision, as the real deployment controller does.
      current = this.store.update({
        ...current,
        metadata: {
          ...current.metadata,
          annotations: {
            ...current.metadata.annotations,
            [REVISION_ANNOTATION]: String(maxRevision + 1),
          },
        },
      });
    }

    for (const rs of replicaSets) {
      if (rs.metadata.uid !== current.metadata.uid) {
        this.scaleReplicaSet(deployment, rs, 0, now);
      }
    }
    current = this.scaleReplicaSet(
      deployment,
      this.store.get('ReplicaSet', namespace, current.metadata.name)!,
      replicas,
      now,
    );
    this.pruneHistory(deployment);
    return this.updateDeploymentStatus(deployment, current);
  }

  /** Advances time for misbehaving pods: more restarts, repeated warnings. */
  tick(now = new Date()): void {
    for (const pod of this.store.list('Pod')) {
      const behaviour = behaviourOf(pod);
      if (behaviour === 'CrashLoopBackOff') {
        const statuses = (pod.status.containerStatuses ?? []).map(
          (s: { name: string; image: string; restartCount: number }) =>
            crashLoopStatus(s, pod.metadata.name, s.restartCount + 1, now),
        );
        const updated = this.store.update({
          ...pod,
          status: { ...pod.status, containerStatuses: statuses },
        });
        this.recordMisbehaviour(updated, behaviour, now);
      } else if (behaviour === 'Unschedulable') {
        this.recordMisbehaviour(pod, behaviour, now);
      }
    }
  }

  private createReplicaSet(
    deployment: KubeObject,
    hash: string,
    revision: number,
    now: Date,
  ): KubeObject {
    const template = structuredClone(deployment.spec.template);
    template.metadata = template.metadata ?? {};
    template.metadata.labels = {
      ...template.metadata.labels,
      'pod-template-hash': hash,
    };
    return this.store.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        namespace: deployment.metadata.namespace,
        labels: { ...template.metadata.labels },
        annotations: {
          [REVISION_ANNOTATION]: String(revision),
          'deployment.kubernetes.io/desired-replicas': String(
            deployment.spec.replicas ?? 1,
          ),
          ...(behaviourOf(deployment) !== 'Healthy'
            ? { [BEHAVIOUR_ANNOTATION]: behaviourOf(deployment) }
            : {}),
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: deployment.metadata.name,
            uid: deployment.metadata.uid!,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        creationTimestamp: now.toISOString(),
      },
      spec: {
        replicas: 0,
        selector: {
          matchLabels: {
            ...deployment.spec.selector?.matchLabels,
            'pod-template-hash': hash,
          },
        },
        template,
      },
      status: { replicas: 0, readyReplicas: 0, availableReplicas: 0 },
    });
  }

  private scaleReplicaSet(
    deployment: KubeObject,
    replicaSet: KubeObject,
    replicas: number,
    now: Date,
  ): KubeObject {
    const namespace = replicaSet.metadata.namespace;
    const behaviour = behaviourOf(deployment);
    const previous: number = replicaSet.spec.replicas ?? 0;
    let rs = replicaSet;
    if (previous !== replicas) {
      rs = this.store.update({
        ...rs,
        spec: { ...rs.spec, replicas },
        metadata: {
          ...rs.metadata,
          annotations: {
            ...rs.metadata.annotations,
            'deployment.kubernetes.io/desired-replicas': String(
              deployment.spec.replicas ?? 1,
            ),
          },
        },
      });
      this.events.record(
        {
          involved: deployment,
          type: 'Normal',
          reason: 'ScalingReplicaSet',
          message: `Scaled ${replicas > previous ? 'up' : 'down'} replica set ${
            rs.metadata.name
          } from ${previous} to ${replicas}`,
          component: 'deployment-controller',
        },
        now,
      );
    }

    const pods = this.store.list('Pod', namespace).filter(ownedBy(rs));
    // Newest pods go first when scaling down, like the real controller prefers.
    pods.sort((a, b) =>
      String(b.metadata.creationTimestamp).localeCompare(
        String(a.metadata.creationTimestamp),
      ),
    );
    for (const pod of pods.slice(0, Math.max(0, pods.length - replicas))) {
      this.store.delete('Pod', namespace, pod.metadata.name);
      this.events.record(
        {
          involved: rs,
          type: 'Normal',
          reason: 'SuccessfulDelete',
          message: `Deleted pod: ${pod.metadata.name}`,
          component: 'replicaset-controller',
        },
        now,
      );
    }
    for (let i = pods.length; i < replicas; i++) {
      const pod = this.store.create(buildPod(rs, behaviour, now));
      this.events.record(
        {
          involved: rs,
          type: 'Normal',
          reason: 'SuccessfulCreate',
          message: `Created pod: ${pod.metadata.name}`,
          component: 'replicaset-controller',
        },
        now,
      );
      this.recordStartup(pod, behaviour, now);
    }

    const current = this.store.list('Pod', namespace).filter(ownedBy(rs));
    const ready = current.filter(podIsReady).length;
    return this.store.update({
      ...rs,
      status: {
        replicas: current.length,
        fullyLabeledReplicas: current.length,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: rs.metadata.generation ?? 1,
      },
    });
  }

  private recordStartup(pod: KubeObject, behaviour: Behaviour, now: Date) {
    if (behaviour === 'Unschedulable') {
      this.recordMisbehaviour(pod, behaviour, now);
      return;
    }
    this.events.record(
      {
        involved: pod,
        type: 'Normal',
        reason: 'Scheduled',
        message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${pod.spec.nodeName}`,
        component: 'default-scheduler',
      },
      now,
    );
    for (const container of pod.spec.containers ?? []) {
      for (const [reason, message] of [
        [
          'Pulled',
          `Container image "${container.image}" already present on machine`,
        ],
        ['Created', `Created container ${container.name}`],
        ['Started', `Started container ${container.name}`],
      ]) {
        this.events.record(
          {
            involved: pod,
            type: 'Normal',
            reason,
            message,
            component: 'kubelet',
          },
          now,
        );
      }
    }
    if (behaviour === 'CrashLoopBackOff') {
      this.recordMisbehaviour(pod, behaviour, now);
    }
  }

  private recordMisbehaviour(pod: KubeObject, behaviour: Behaviour, now: Date) {
    if (behaviour === 'Unschedulable') {
      const condition = pod.status.conditions?.find(
        (c: { type: string }) => c.type === 'PodScheduled',
      );
      this.events.record(
        {
          involved: pod,
          type: 'Warning',
          reason: 'FailedScheduling',
          message: condition?.message ?? 'no nodes available',
          component: 'default-scheduler',
        },
        now,
      );
      return;
    }
    for (const container of pod.spec.containers ?? []) {
      this.events.record(
        {
          involved: pod,
          type: 'Warning',
          reason: 'Unhealthy',
          message: `Liveness probe failed: Get "http://${pod.status.podIP}:8080/healthz": dial tcp ${pod.status.podIP}:8080: connect: connection refused`,
          component: 'kubelet',
        },
        now,
      );
      this.events.record(
        {
          involved: pod,
          type: 'Warning',
          reason: 'BackOff',
          message: `Back-off restarting failed container ${container.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
          component: 'kubelet',
        },
        now,
      );
    }
  }

  private pruneHistory(deployment: KubeObject) {
    const limit =
      deployment.spec.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
    const old = this.store
      .list('ReplicaSet', deployment.metadata.namespace)
      .filter(ownedBy(deployment))
      .sort((a, b) => revisionOf(b) - revisionOf(a))
      .slice(1)
      .filter(rs => (rs.spec.replicas ?? 0) === 0);
    for (const rs of old.slice(limit)) {
      this.store.delete('ReplicaSet', rs.metadata.namespace, rs.metadata.name);
    }
  }

  private updateDeploymentStatus(
    deployment: KubeObject,
    current: KubeObject,
  ): KubeObject {
    const latest = this.store.get(
      'Deployment',
      deployment.metadata.namespace,
      deployment.metadata.name,
    )!;
    const pods = this.store
      .list('Pod', deployment.metadata.namespace)
      .filter(pod =>
        this.store
          .list('ReplicaSet', deployment.metadata.namespace)
          .filter(ownedBy(deployment))
          .some(rs => ownedBy(rs)(pod)),
      );
    const ready = pods.filter(podIsReady).length;
    const desired: number = latest.spec.replicas ?? 1;
    const now = new Date().toISOString();
    const available = ready >= desired;
    return this.store.update({
      ...latest,
      metadata: {
        ...latest.metadata,
        annotations: {
          ...latest.metadata.annotations,
          [REVISION_ANNOTATION]: String(revisionOf(current)),
        },
      },
      status: {
        observedGeneration: latest.metadata.generation ?? 1,
        replicas: pods.length,
        updatedReplicas: current.status.replicas,
        readyReplicas: ready,
        availableReplicas: ready,
        ...(pods.length - ready > 0
          ? { unavailableReplicas: pods.length - ready }
          : {}),
        conditions: [
          {
            type: 'Available',
            status: available ? 'True' : 'False',
            reason: available
              ? 'MinimumReplicasAvailable'
              : 'MinimumReplicasUnavailable',
            message: available
              ? 'Deployment has minimum availability.'
              : 'Deployment does not have minimum availability.',
            lastUpdateTime: now,
            lastTransitionTime: now,
          },
          {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
            message: `ReplicaSet "${current.metadata.name}" has successfully progressed.`,
            lastUpdateTime: now,
            lastTransitionTime: now,
          },
        ],
      },
    });
  }
}
