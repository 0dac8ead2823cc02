import { Request, Response, Router } from 'express';
import { isDeepStrictEqual } from 'node:util';
import { SandboxContext } from '../context';
import { applyPatchByContentType, UnsupportedPatchError } from '../patch';
import { matchLabelsToSelector } from '../selectors';
import { sendStatus } from '../status';
import { KubeObject } from '../store';
import { findOr404, objectPath } from './collections';
import { typeOfKind } from './registry';

const deploymentType = typeOfKind('Deployment');

function toScale(deployment: KubeObject) {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: deployment.metadata.name,
      namespace: deployment.metadata.namespace,
      uid: deployment.metadata.uid,
      resourceVersion: deployment.metadata.resourceVersion,
      creationTimestamp: deployment.metadata.creationTimestamp,
    },
    spec: { replicas: deployment.spec.replicas ?? 1 },
    status: {
      replicas: deployment.status?.replicas ?? 0,
      selector: matchLabelsToSelector(deployment.spec.selector?.matchLabels),
    },
  };
}

function conflicts(existing: KubeObject, body: { metadata?: any }) {
  const wanted = body.metadata?.resourceVersion;
  return wanted !== undefined && wanted !== existing.metadata.resourceVersion;
}

/**
 * Validates and stores a changed deployment, bumps its generation when the
 * spec changed, and lets the controller roll it out. Answers the response.
 */
function commit(
  ctx: SandboxContext,
  res: Response,
  existing: KubeObject,
  changed: KubeObject,
  respond: (deployment: KubeObject) => unknown,
) {
  const replicas = changed.spec?.replicas;
  if (!Number.isInteger(replicas) || replicas < 0) {
    sendStatus(
      res,
      422,
      `Deployment.apps "${
        existing.metadata.name
      }" is invalid: spec.replicas: Invalid value: ${JSON.stringify(
        replicas,
      )}: must be a non-negative integer`,
    );
    return;
  }
  if (!changed.spec?.template?.spec?.containers?.length) {
    sendStatus(
      res,
      422,
      `Deployment.apps "${existing.metadata.name}" is invalid: spec.template.spec.containers: Required value`,
    );
    return;
  }
  const specChanged = !isDeepStrictEqual(existing.spec, changed.spec);
  const stored = ctx.store.update({
    ...changed,
    apiVersion: existing.apiVersion,
    kind: existing.kind,
    metadata: {
      ...changed.metadata,
      name: existing.metadata.name,
      namespace: existing.metadata.namespace,
      generation: (existing.metadata.generation ?? 1) + (specChanged ? 1 : 0),
    },
    // Status belongs to the controller; clients cannot write it here.
    status: existing.status,
  });
  res.json(respond(ctx.controller.reconcile(stored)));
}

function patchBody(
  req: Request,
  res: Response,
  target: unknown,
): KubeObject | undefined {
  try {
    return applyPatchByContentType(
      target,
      req.headers['content-type'],
      req.body,
    ) as KubeObject;
  } catch (error) {
    if (error instanceof UnsupportedPatchError) {
      sendStatus(res, 415, error.message);
    } else {
      sendStatus(res, 422, `the patch could not be applied: ${error}`);
    }
    return undefined;
  }
}

/** update and patch of deployments, and their scale subresource. */
export function createDeploymentsRouter(ctx: SandboxContext): Router {
  const router = Router();
  const path = objectPath(deploymentType);

  router.put(path, (req, res) => {
    const existing = findOr404(ctx, deploymentType, req, res);
    if (!existing) return;
    if (conflicts(existing, req.body)) {
      sendStatus(
        res,
        409,
        `Operation cannot be fulfilled on deployments.apps "${existing.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
        undefined,
        'Conflict',
      );
      return;
    }
    commit(ctx, res, existing, req.body, d => d);
  });

  router.patch(path, (req, res) => {
    const existing = findOr404(ctx, deploymentType, req, res);
    if (!existing) return;
    const changed = patchBody(req, res, existing);
    if (changed) {
      commit(ctx, res, existing, changed, d => d);
    }
  });

  router.get(`${path}/status`, (req, res) => {
    const existing = findOr404(ctx, deploymentType, req, res);
    if (existing) res.json(existing);
  });

  router.get(`${path}/scale`, (req, res) => {
    const existing = findOr404(ctx, deploymentType, req, res);
    if (existing) res.json(toScale(existing));
  });

  router.put(`${path}/scale`, (req, res) => {
    const existing = findOr404(ctx, deploymentType, req, res);
    if (!existing) return;
    if (conflicts(existing, req.body)) {
      sendStatus(
        res,
        409,
        'the object has been modified',
        undefined,
        'Conflict',
      );
      return;
    }
    const replicas = req.body?.spec?.replicas;
    commit(
      ctx,
      res,
      existing,
      { ...existing, spec: { ...existing.spec, replicas } },
      toScale,
    );
  });

  router.patch(`${path}/scale`, (req, res) => {
    const existing = findOr404(ctx, deploymentType, req, res);
    if (!existing) return;
    const scale = patchBody(req, res, toScale(existing));
    if (scale) {
      commit(
        ctx,
        res,
        existing,
        {
          ...existing,
          spec: { ...existing.spec, replicas: scale.spec?.replicas },
        },
        toScale,
      );
    }
  });

  return router;
}
