import { Request, Response, Router } from 'express';
import { SandboxContext } from '../context';
import { parseFieldSelector, parseLabelSelector } from '../selectors';
import { sendNotFound, sendStatus } from '../status';
import { KubeObject } from '../store';
import { apiVersionOf, prefixOf, ResourceType } from './registry';

const NAME_PATTERN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function listResponse(
  ctx: SandboxContext,
  type: ResourceType,
  req: Request,
  res: Response,
  namespace: string | undefined,
) {
  if (req.query.watch === 'true' || req.query.watch === '1') {
    sendStatus(res, 405, 'watch is not supported by the Pilothouse sandbox');
    return;
  }
  let labelMatch;
  let fieldMatch;
  try {
    labelMatch = parseLabelSelector(req.query.labelSelector as string);
    fieldMatch = parseFieldSelector(req.query.fieldSelector as string);
  } catch (error) {
    sendStatus(res, 400, (error as Error).message);
    return;
  }
  let items = ctx.store
    .list(type.kind, namespace)
    .filter(obj => labelMatch(obj.metadata.labels) && fieldMatch(obj));
  const limit = Number(req.query.limit);
  if (Number.isInteger(limit) && limit > 0) {
    items = items.slice(0, limit);
  }
  res.json({
    kind: `${type.kind}List`,
    apiVersion: apiVersionOf(type),
    metadata: { resourceVersion: ctx.store.currentResourceVersion() },
    items,
  });
}

export function namespaceExists(ctx: SandboxContext, namespace: string) {
  return Boolean(ctx.store.get('Namespace', undefined, namespace));
}

/** Finds the object a route names, answering 404 when it is missing. */
export function findOr404(
  ctx: SandboxContext,
  type: ResourceType,
  req: Request,
  res: Response,
): KubeObject | undefined {
  const namespace = type.namespaced ? req.params.namespace : undefined;
  const obj = ctx.store.get(type.kind, namespace, req.params.name);
  if (!obj) {
    sendNotFound(res, type, req.params.name);
  }
  return obj;
}

/** Path of a single object of this type, with express parameters. */
export function objectPath(type: ResourceType): string {
  return type.namespaced
    ? `${prefixOf(type)}/namespaces/:namespace/${type.plural}/:name`
    : `${prefixOf(type)}/${type.plural}/:name`;
}

/** list, get, create and delete for one resource type, the verbs every type shares. */
export function createCollectionRouter(
  ctx: SandboxContext,
  type: ResourceType,
): Router {
  const router = Router();
  const prefix = prefixOf(type);
  const collection = type.namespaced
    ? `${prefix}/namespaces/:namespace/${type.plural}`
    : `${prefix}/${type.plural}`;

  // Across all namespaces (or the whole collection for cluster-scoped types).
  router.get(`${prefix}/${type.plural}`, (req, res) =>
    listResponse(ctx, type, req, res, undefined),
  );
  if (type.namespaced) {
    router.get(collection, (req, res) =>
      listResponse(ctx, type, req, res, req.params.namespace),
    );
  }

  router.get(objectPath(type), (req, res) => {
    const obj = findOr404(ctx, type, req, res);
    if (obj) {
      res.json(obj);
    }
  });

  if (type.verbs.includes('create')) {
    router.post(collection, (req, res) => {
      const body = req.body as KubeObject | undefined;
      const namespace = type.namespaced ? req.params.namespace : undefined;
      const name = body?.metadata?.name;
      if (!body || typeof name !== 'string' || !NAME_PATTERN.test(name)) {
        sendStatus(
          res,
          422,
          `${type.kind} is invalid: metadata.name: a lowercase RFC 1123 name is required`,
        );
        return;
      }
      if (body.kind && body.kind !== type.kind) {
        sendStatus(res, 400, `kind ${body.kind} does not match ${type.kind}`);
        return;
      }
      if (namespace && !namespaceExists(ctx, namespace)) {
        sendNotFound(res, { plural: 'namespaces', group: '' }, namespace);
        return;
      }
      if (ctx.store.get(type.kind, namespace, name)) {
        sendStatus(res, 409, `${type.plural} "${name}" already exists`, {
          name,
          kind: type.plural,
        });
        return;
      }
      const created = ctx.store.create({
        ...body,
        apiVersion: apiVersionOf(type),
        kind: type.kind,
        metadata: {
          ...body.metadata,
          name,
          ...(namespace ? { namespace } : {}),
          generation: 1,
        },
        ...(type.kind === 'Namespace'
          ? {
              spec: { finalizers: ['kubernetes'] },
              status: { phase: 'Active' },
            }
          : {}),
      });
      res
        .status(201)
        .json(
          type.kind === 'Deployment'
            ? ctx.controller.reconcile(created)
            : created,
        );
    });
  }

  if (type.verbs.includes('delete')) {
    router.delete(objectPath(type), (req, res) => {
      const obj = findOr404(ctx, type, req, res);
      if (!obj) {
        return;
      }
      deleteWithDependents(ctx, obj);
      if (type.kind === 'Pod') {
        // The owning ReplicaSet replaces a deleted pod, as on a real cluster.
        for (const deployment of ctx.store.list(
          'Deployment',
          obj.metadata.namespace,
        )) {
          ctx.controller.reconcile(deployment);
        }
      }
      res.json({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name: obj.metadata.name, kind: type.plural },
      });
    });
  }

  return router;
}

/** Deletes an object and what it owns (namespace contents, replica sets and their pods). */
function deleteWithDependents(ctx: SandboxContext, obj: KubeObject) {
  if (obj.kind === 'Namespace') {
    for (const kind of [
      'Deployment',
      'ReplicaSet',
      'Pod',
      'Service',
      'Event',
      'ServiceAccount',
      'ResourceQuota',
      'LimitRange',
      'NetworkPolicy',
      'Role',
      'RoleBinding',
    ]) {
      for (const child of ctx.store.list(kind, obj.metadata.name)) {
        ctx.store.delete(kind, child.metadata.namespace, child.metadata.name);
      }
    }
  } else {
    for (const kind of ['ReplicaSet', 'Pod']) {
      for (const child of ctx.store.list(kind, obj.metadata.namespace)) {
        if (
          child.metadata.ownerReferences?.some(
            ref => ref.uid === obj.metadata.uid,
          )
        ) {
          deleteWithDependents(ctx, child);
        }
      }
    }
  }
  ctx.store.delete(obj.kind, obj.metadata.namespace, obj.metadata.name);
}
