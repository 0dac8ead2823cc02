import { defineTool, result } from './types';
import {
  describeRollout,
  locateRollout,
  rolloutInput,
  rolloutLine,
  rolloutPermission,
} from './rollouts';
import { argocdPermission } from './types';

export const rolloutStatus = defineTool({
  name: 'rollout_status',
  title: 'Argo Rollouts status',
  description: `Status of an application's Argo Rollouts canary: phase, current step of
how many, canary weight, whether it was aborted, and the steps.

Example: { "application": "payments" } →
"payments/payments: Paused (CanaryPauseStep), step 1 of 5, canary weight 20%"`,
  inputSchema: rolloutInput,
  annotations: {
    title: 'Argo Rollouts status',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  permissions: [argocdPermission('get'), rolloutPermission(['get'])],
  async handler(args, ctx) {
    const where = await locateRollout(args, ctx);
    if (where.refused) {
      return where.refused;
    }
    const rollout = describeRollout(
      await ctx.clients.rollouts.get(where.namespace, where.name),
    );
    return result(rolloutLine(rollout), rollout);
  },
});
