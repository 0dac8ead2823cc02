import { argocdPermission, defineTool, result } from './types';
import {
  describeRollout,
  locateRollout,
  promoteFull,
  rolloutInput,
  rolloutLine,
  rolloutPermission,
} from './rollouts';

export const promoteRollout = defineTool({
  name: 'promote_rollout',
  title: 'Promote an Argo Rollouts canary',
  description: `Promote a paused canary to its next pause step (or, with full, straight to
100 %). DESTRUCTIVE: more production traffic goes to the new version.

Returns the step before and after; abort_rollout is the way back.

Example: { "application": "payments" } →
"Promoted payments/payments from step 1 to 3: Paused, canary weight 50%. Undo: abort_rollout"`,
  inputSchema: { ...rolloutInput, full: promoteFull },
  annotations: {
    title: 'Promote an Argo Rollouts canary',
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
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
      await ctx.clients.rollouts.promote(
        where.namespace,
        where.name,
        args.full,
      ),
    );
    return result(
      `Promoted ${where.namespace}/${where.name} from step ${
        before.currentStep
      } to ${after.currentStep}: ${rolloutLine(after)}. Undo: abort_rollout`,
      {
        ...after,
        previousStep: before.currentStep,
        previousCanaryWeight: before.canaryWeight,
        undo: {
          tool: 'abort_rollout',
          arguments: { application: args.application, rollout: where.name },
        },
      },
    );
  },
});
