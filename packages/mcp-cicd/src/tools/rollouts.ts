import { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { Rollout } from '../clients';
import { toolError } from '../errors';
import { applicationName, Permission, ToolContext } from './types';

export const rolloutInput = {
  application: applicationName.describe(
    'Argo CD application that owns the rollout (argocd/app-name)',
  ),
  rollout: applicationName
    .optional()
    .describe('Rollout name; default the application name'),
};

export const rolloutPermission = (verbs: string[]): Permission => ({
  system: 'kubernetes',
  apiGroups: ['argoproj.io'],
  resources: ['rollouts'],
  verbs,
});

/**
 * Finds where a rollout lives through its Argo CD application, so the
 * project scope applies to rollouts too.
 */
export async function locateRollout(
  args: { application: string; rollout?: string },
  { clients, scope }: ToolContext,
): Promise<
  | { refused: CallToolResult }
  | { refused?: undefined; namespace: string; name: string }
> {
  const app = await clients.argocd.getApplication(args.application);
  const refused = scope.refuseApplication(app);
  if (refused) {
    return { refused };
  }
  const namespace = app.spec.destination?.namespace;
  if (!namespace) {
    return {
      refused: toolError(
        `Application ${args.application} has no destination namespace`,
        'pass an application that deploys into a namespace',
      ),
    };
  }
  return { namespace, name: args.rollout ?? args.application };
}

/** Status of a canary rollout, as a model needs it. */
export function describeRollout(rollout: Rollout) {
  const steps = rollout.spec.strategy?.canary?.steps ?? [];
  const status = rollout.status ?? {};
  return {
    namespace: rollout.metadata.namespace,
    name: rollout.metadata.name,
    phase: status.phase ?? 'Unknown',
    message: status.message,
    aborted: Boolean(status.abort),
    currentStep: status.currentStepIndex,
    totalSteps: steps.length,
    canaryWeight: status.canary?.weights?.canary?.weight,
    steps: steps.map(s =>
      s.setWeight !== undefined
        ? `setWeight ${s.setWeight}`
        : `pause${s.pause?.duration ? ` ${s.pause.duration}` : ''}`,
    ),
  };
}

export function rolloutLine(r: ReturnType<typeof describeRollout>): string {
  return `${r.namespace}/${r.name}: ${r.phase}${
    r.message ? ` (${r.message})` : ''
  }, step ${r.currentStep ?? '?'} of ${r.totalSteps}, canary weight ${
    r.canaryWeight ?? '?'
  }%`;
}

export const promoteFull = z
  .boolean()
  .default(false)
  .describe('Skip all remaining steps and pauses');
