import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { TracingService } from '@backstage/backend-plugin-api/alpha';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  AssistantEvent,
  Conversation,
  ConversationListResponse,
  ConversationResponse,
  TranscriptionStatus,
} from '@pilothouse/plugin-ai-assistant-common';
import express, { Request, Response } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  AgentLoop,
  PreparedTurn,
  QuotaError,
  TurnContext,
} from './services/AgentLoop';
import type { ConversationStore, Transcriber } from './services/types';
import { databaseUnavailableErrors } from '@pilothouse/backend-errors';

export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  store: ConversationStore;
  loop: AgentLoop;
  /** Speech to text; without one the transcribe routes say it is not set up. */
  transcriber?: Transcriber;
  /** Continues the browser's trace in each turn. */
  tracing?: TracingService;
  /** Who may tell a requester that their approval was decided. */
  approverGroups: string[];
  /** A decided approval: tell the requester (signal and notification). */
  onApprovalDecided?(event: {
    owner: string;
    conversationId: string;
    approvalId: string;
    decidedBy: string;
  }): Promise<void>;
}

/** Largest recording `POST /v1/transcribe` takes. */
const MAX_AUDIO_BYTES = 10 * 1024 * 1024;

const entityRef = z
  .string()
  .regex(
    /^[a-z0-9-_]+:([a-z0-9-_.]+\/)?[a-zA-Z0-9-_.]+$/,
    'an entity ref such as component:default/payments',
  );

const createSchema = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    entityRef: entityRef.optional(),
  })
  .strict();

const messageSchema = z
  .object({
    text: z.string().trim().min(1, 'text must not be empty').max(20_000),
    entityRef: entityRef.optional(),
  })
  .strict();

const undoSchema = z.object({ callId: z.string().min(1) }).strict();

const planSchema = z
  .object({
    text: z.string().trim().min(1, 'text must not be empty').max(20_000),
    entityRef: entityRef.optional(),
  })
  .strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : 'body';
    throw new InputError(`Invalid request: ${where}: ${issue.message}`);
  }
  return parsed.data;
}

/** `/api/ai-assistant`: see `@pilothouse/plugin-ai-assistant-common`'s api.ts. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, store, loop, transcriber, tracing } = options;
  const router = Router();

  const userOf = async (
    req: Request,
  ): Promise<BackstageCredentials<BackstageUserPrincipal>> =>
    httpAuth.credentials(req, { allow: ['user'] });

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // The one route with a raw body: a recording.
  router.post(
    '/v1/transcribe',
    express.raw({
      type: ['audio/*', 'application/octet-stream'],
      limit: MAX_AUDIO_BYTES,
    }),
    async (req, res) => {
      await userOf(req);
      if (!transcriber) {
        throw new ServiceUnavailableError(
          'Voice input is not set up on this portal',
        );
      }
      const contentType = req.headers['content-type'] ?? '';
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        throw new InputError(
          'Send the recording as the request body, with content-type audio/wav or audio/webm',
        );
      }
      res.json(await transcriber.transcribe(req.body, contentType));
    },
  );

  router.use(express.json({ limit: '256kb' }));

  const conversationOf = async (
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    id: string,
  ): Promise<Conversation> => {
    const conversation = await store.getConversation(
      credentials.principal.userEntityRef,
      id,
    );
    if (!conversation) throw new NotFoundError(`No conversation "${id}"`);
    return conversation;
  };

  /**
   * Runs a turn as server-sent events. Its checks run first, so a refusal
   * (404, 409) is still an HTTP error; once the stream is open every outcome
   * is an event, and it ends with turn_finished.
   */
  const streamTurn = async (
    req: Request,
    res: Response,
    prepare: (ctx: TurnContext) => Promise<PreparedTurn>,
  ) => {
    const credentials = await userOf(req);
    const conversation = await conversationOf(credentials, req.params.id);
    const controller = loop.begin(conversation.id);
    try {
      const ctx: TurnContext = {
        credentials,
        conversation,
        signal: controller.signal,
        emit: (event: AssistantEvent) => {
          if (!res.writableEnded && !res.destroyed) {
            res.write(`data: ${JSON.stringify(event)}\n\n`);
          }
        },
      };
      const run = await prepare(ctx);
      res.status(200);
      res.setHeader('content-type', 'text/event-stream');
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('x-accel-buffering', 'no');
      res.flushHeaders();
      // A browser that goes away stops its turn.
      res.on('close', () => {
        if (!res.writableEnded) controller.abort();
      });
      // The browser's trace (its traceparent), also where no HTTP
      // instrumentation continued it for us.
      await (tracing
        ? tracing.context.with(
            tracing.propagation.extract(tracing.context.active(), req.headers),
            run,
          )
        : run());
      res.end();
    } finally {
      loop.end(conversation.id, controller);
    }
  };

  router.get('/v1/conversations', async (req, res) => {
    const credentials = await userOf(req);
    const body: ConversationListResponse = {
      conversations: await store.listConversations(
        credentials.principal.userEntityRef,
      ),
    };
    res.json(body);
  });

  router.post('/v1/conversations', async (req, res) => {
    const input = parse(createSchema, req.body);
    const credentials = await userOf(req);
    const conversation = await store.createConversation(
      credentials.principal.userEntityRef,
      {
        title: input.title ?? 'New conversation',
        entityRef: input.entityRef,
      },
    );
    res.status(201).json(conversation);
  });

  router.get('/v1/conversations/:id', async (req, res) => {
    const credentials = await userOf(req);
    const conversation = await conversationOf(credentials, req.params.id);
    const body: ConversationResponse = {
      conversation,
      messages: (await store.listMessages(conversation.id)).map(m => m.message),
    };
    res.json(body);
  });

  router.delete('/v1/conversations/:id', async (req, res) => {
    const credentials = await userOf(req);
    const conversation = await conversationOf(credentials, req.params.id);
    loop.cancel(conversation.id);
    await store.deleteConversation(
      credentials.principal.userEntityRef,
      conversation.id,
    );
    res.status(204).end();
  });

  router.post('/v1/conversations/:id/messages', async (req, res) => {
    const input = parse(messageSchema, req.body);
    await streamTurn(req, res, ctx => loop.prepareMessage(ctx, input));
  });

  router.post('/v1/conversations/:id/resume', async (req, res) => {
    await streamTurn(req, res, ctx => loop.prepareResume(ctx));
  });

  router.post('/v1/conversations/:id/undo', async (req, res) => {
    const input = parse(undoSchema, req.body);
    await streamTurn(req, res, ctx => loop.prepareUndo(ctx, input.callId));
  });

  router.post('/v1/conversations/:id/cancel', async (req, res) => {
    const credentials = await userOf(req);
    const conversation = await conversationOf(credentials, req.params.id);
    loop.cancel(conversation.id);
    res.status(204).end();
  });

  router.post('/v1/plan', async (req, res) => {
    const input = parse(planSchema, req.body);
    const credentials = await userOf(req);
    res.json(await loop.plan(credentials, input));
  });

  router.get('/v1/transcribe', async (req, res) => {
    await userOf(req);
    const status: TranscriptionStatus = transcriber
      ? await transcriber.status()
      : {
          available: false,
          reason: 'Voice input is not set up on this portal',
        };
    res.json(status);
  });

  /**
   * The approver's page calls this after deciding in the gateway, so the
   * requester's open page hears of it (signal) and they get a notification.
   * Only the requester or an approver may send it; the decision itself was
   * made, and is checked, in the gateway.
   */
  router.post('/v1/approvals/:approvalId/decided', async (req, res) => {
    const credentials = await userOf(req);
    const caller = credentials.principal.userEntityRef;
    const paused = await store.findByApproval(req.params.approvalId);
    if (!paused) {
      throw new NotFoundError(
        `No assistant turn waits for approval "${req.params.approvalId}"`,
      );
    }
    if (caller !== paused.owner) {
      const { ownershipEntityRefs } = await options.userInfo.getUserInfo(
        credentials,
      );
      if (!ownershipEntityRefs.some(g => options.approverGroups.includes(g))) {
        throw new NotAllowedError(
          'Only the requester or an approver may report a decision',
        );
      }
    }
    await options.onApprovalDecided?.({
      owner: paused.owner,
      conversationId: paused.conversationId,
      approvalId: req.params.approvalId,
      decidedBy: caller,
    });
    res.status(204).end();
  });

  router.use(databaseUnavailableErrors({ logger: options.logger }));
  // Quota refusals outside a turn (plan) carry Retry-After.
  router.use(
    (
      error: unknown,
      _req: Request,
      res: Response,
      next: express.NextFunction,
    ) => {
      if (error instanceof QuotaError && !res.headersSent) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
      }
      if (!res.headersSent) {
        next(error);
        return;
      }
      // The stream was open: the turn reported its own failure.
      options.logger.warn('assistant stream failed after it started', {
        reason: (error as Error).message,
      });
      res.end();
    },
  );
  return router;
}
