import express, { Response, Router } from 'express';
import { SandboxContext } from '../context';
import { KubeObject } from '../store';
import { ROLLOUT_KIND } from './model';

/**
 * Where the Argo Rollouts subset is served; the shapes follow the Argo
 * Rollouts dashboard API (`kubectl argo rollouts dashboard`).
 */
export const ROLLOUTS_PREFIX = '/argo-rollouts/api/v1';

function rolloutError(res: Response, status: number, message: string) {
  res
    .status(status)
    .json({ error: message, code: status === 404 ? 5 : 9, message });
}

type Step = { setWeight?: number; pause?: { duration?: string } };

/** The canary weight in force once steps[0..index) have run. */
function weightAt(steps: Step[], index: number): number {
  let weight = 0;
  for (const step of steps.slice(0, index + 1)) {
    if (step.setWeight !== undefined) {
      weight = step.setWeight;
    }
  }
  return weight;
}

/**
 * Moves past the current pause to the next pause step, or to the end, where
 * the canary becomes stable. `full` skips all remaining steps.
 */
function promote(rollout: KubeObject, full: boolean): KubeObject {
  const updated = structuredClone(rollout);
  const steps: Step[] = updated.spec.strategy.canary.steps;
  const status = updated.status;
  status.abort = false;
  let next = status.currentStepIndex + 1;
  while (!full && next < steps.length && !steps[next].pause) {
    next += 1;
  }
  if (full || next >= steps.length) {
    status.currentStepIndex = steps.length;
    status.phase = 'Healthy';
    status.message = undefined;
    status.stableRS = status.currentPodHash;
    status.pauseConditions = [];
    status.canary = {
      weights: { canary: { weight: 100 }, stable: { weight: 0 } },
    };
  } else {
    const weight = weightAt(steps, next);
    status.currentStepIndex = next;
    status.phase = 'Paused';
    status.message = 'CanaryPauseStep';
    status.pauseConditions = [
      { reason: 'CanaryPauseStep', startTime: new Date().toISOString() },
    ];
    status.canary = {
      weights: {
        canary: { weight },
        stable: { weight: 100 - weight },
      },
    };
  }
  return updated;
}

function abort(rollout: KubeObject): KubeObject {
  const updated = structuredClone(rollout);
  const status = updated.status;
  status.abort = true;
  status.phase = 'Degraded';
  status.message = `RolloutAborted: Rollout aborted update to revision ${
    updated.metadata.generation ?? 1
  }`;
  status.pauseConditions = [];
  status.canary = {
    weights: { canary: { weight: 0 }, stable: { weight: 100 } },
  };
  return updated;
}

/** Rollout status, promote and abort for the seeded canary rollouts. */
export function createRolloutsRouter(ctx: SandboxContext): Router {
  const router = express.Router();

  router.get(`${ROLLOUTS_PREFIX}/rollouts/:namespace/info`, (req, res) => {
    res.json({
      rollouts: ctx.store.list(ROLLOUT_KIND, req.params.namespace),
    });
  });

  router.get(`${ROLLOUTS_PREFIX}/rollouts/:namespace/:name`, (req, res) => {
    const rollout = ctx.store.get(
      ROLLOUT_KIND,
      req.params.namespace,
      req.params.name,
    );
    if (!rollout) {
      rolloutError(
        res,
        404,
        `rollouts.argoproj.io "${req.params.name}" not found`,
      );
      return;
    }
    res.json(rollout);
  });

  router.put(
    `${ROLLOUTS_PREFIX}/rollouts/:namespace/:name/:action(promote|abort)`,
    (req, res) => {
      const rollout = ctx.store.get(
        ROLLOUT_KIND,
        req.params.namespace,
        req.params.name,
      );
      if (!rollout) {
        rolloutError(
          res,
          404,
          `rollouts.argoproj.io "${req.params.name}" not found`,
        );
        return;
      }
      const steps: Step[] = rollout.spec.strategy.canary.steps;
      if (req.params.action === 'promote') {
        if (rollout.status.currentStepIndex >= steps.length) {
          rolloutError(
            res,
            409,
            `rollout ${req.params.name} is already fully promoted`,
          );
          return;
        }
        const full = req.body?.full === true || req.query.full === 'true';
        res.json(ctx.store.update(promote(rollout, full)));
        return;
      }
      if (rollout.status.currentStepIndex >= steps.length) {
        rolloutError(
          res,
          409,
          `rollout ${req.params.name} has no update in progress to abort`,
        );
        return;
      }
      res.json(ctx.store.update(abort(rollout)));
    },
  );

  return router;
}
