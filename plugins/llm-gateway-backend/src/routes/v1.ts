import type { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  ApprovalListResponse,
  CompletionEvent,
  llmGatewayReadPermission,
} from '@pilothouse/plugin-llm-gateway-common';
import type { Request, Response, Router } from 'express';
import type { Gateway } from '../services/Gateway';
import {
  CallerDeps,
  callerOf,
  messageOf,
  parseBody,
  startSse,
  statusOf,
  requirePermission,
} from './caller';
import {
  approvalDecisionSchema,
  completionRequestSchema,
  toolCallRequestSchema,
} from './schemas';

export interface V1RouteDeps extends CallerDeps {
  gateway: Gateway;
  permissions: PermissionsService;
}

/**
 * Streams a gateway generator as server-sent events. The first event is
 * awaited before the headers go out, so a refusal (blocked input, policy,
 * quota, no provider) still gets its HTTP status and error body.
 */
export async function streamEvents<T>(
  res: Response,
  events: AsyncIterable<T>,
  write: (event: T) => void,
  onError: (error: unknown) => void,
) {
  const iterator = events[Symbol.asyncIterator]();
  const first = await iterator.next();
  startSse(res);
  try {
    for (let r = first; !r.done; r = await iterator.next()) {
      if (res.destroyed) {
        await iterator.return?.();
        return;
      }
      write(r.value);
    }
  } catch (error) {
    onError(error);
  }
  res.end();
}

/** `/v1`: what the node client (`llmGatewayServiceRef`) and the admin page call. */
export function addV1Routes(router: Router, deps: V1RouteDeps) {
  const { gateway, permissions } = deps;

  const authorize = async (
    req: Request,
    permission: typeof llmGatewayReadPermission,
  ) => {
    const credentials = await deps.httpAuth.credentials(req);
    await requirePermission(permissions, credentials, permission);
  };

  router.post('/v1/complete', async (req, res) => {
    const body = parseBody(completionRequestSchema, req.body);
    const caller = await callerOf(deps, req, res);
    if (req.query.stream !== 'true') {
      res.json(await gateway.complete(body, caller));
      return;
    }
    const write = (event: CompletionEvent) =>
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    await streamEvents(
      res,
      gateway.completeStream(body, caller),
      write,
      error => {
        const status = statusOf(error);
        write({ type: 'error', message: messageOf(error, status), status });
      },
    );
  });

  router.get('/v1/tools', async (req, res) => {
    const caller = await callerOf(deps, req, res);
    const { entityRef } = req.query;
    if (entityRef !== undefined && typeof entityRef !== 'string') {
      throw new InputError('entityRef must be one entity ref');
    }
    res.json(await gateway.listTools(caller, { entityRef }));
  });

  router.post('/v1/tools/call', async (req, res) => {
    const body = parseBody(toolCallRequestSchema, req.body);
    const caller = await callerOf(deps, req, res);
    res.json(await gateway.callTool(body, caller));
  });

  router.get('/v1/providers', async (req, res) => {
    await authorize(req, llmGatewayReadPermission);
    res.json(gateway.providers());
  });

  router.get('/v1/approvals', async (req, res) => {
    const caller = await callerOf(deps, req, res);
    const response: ApprovalListResponse = {
      approvals: await gateway.listApprovals(caller),
    };
    res.json(response);
  });

  for (const decision of ['approve', 'reject'] as const) {
    router.post(`/v1/approvals/:id/${decision}`, async (req, res) => {
      const body = parseBody(approvalDecisionSchema, req.body);
      const caller = await callerOf(deps, req, res);
      res.json(
        await gateway.decideApproval(
          req.params.id,
          decision,
          caller,
          body.comment,
        ),
      );
    });
  }
}
