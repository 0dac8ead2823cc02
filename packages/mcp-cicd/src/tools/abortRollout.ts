import { argocdPermission, defineTool, result } from './types';
import {
  describeRollout,
  locateRollout,
  rolloutInput,
  rolloutLine,
  rolloutPermission,
} from './rollouts';

export const abortRollout = defineTool({
  name: 'abort_rollout',
  title: 'Abort an Argo Rollouts canary',
  description: `Abort a canary in progress: all traffic goes back to the stable version and
the rollout becomes Degraded until a new revision or a retry. DESTRUCTIVE.

Returns the step and canary weight it had, so a person can decide to retry.

Example: { "application": "notifications" } →
"Aborted platform/notifications at step 1 (canary weight was 20%): Degraded, canary weight 0%"`,
  inputSchema: rolloutInput,
  annotations: {
    title: 'Abort an Argo Rollouts canary',
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: false,
  },
  permissions: [argocdPermission('get'), rolloutPermission(['get', 'patch'])],
  async handler(args, ctx) {
    const where = await locateRollout(args, ctx);
    if (where.refused) {
      return where.refused;
    }
    const before = describeRollout(
      await ctx.clients.rollouts.get(where.namespace, where.name),
    );
    const after = describeRollout(
      await ctx.clients.rollouts.abort(where.namespace, where.name),
    );
    return result(
      `Aborted ${where.namespace}/${where.name} at step ${
        before.currentStep
      } (canary weight was ${before.canaryWeight}%): ${rolloutLine(after)}`,
      {
        ...after,
        previousStep: before.currentStep,
        previousCanaryWeight: before.canaryWeight,
      },
    );
  },
});
