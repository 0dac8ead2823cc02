import { WorkloadController } from './controller/deployments';
import { EventRecorder } from './controller/events';
import type { ServiceMetrics } from './metrics/model';
import { ClusterStore } from './store';

/** What every route module needs: the objects and the controller acting on them. */
export interface SandboxContext {
  store: ClusterStore;
  events: EventRecorder;
  controller: WorkloadController;
  /** The seeded services' request metrics, when the seed has any. */
  metrics?: ServiceMetrics;
}
