import {
  coreServices,
  createBackendPlugin,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  metricsServiceRef,
  tracingServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import type { ConversationSignal } from '@pilothouse/plugin-ai-assistant-common';
import { llmGatewayServiceRef } from '@pilothouse/plugin-llm-gateway-node';
import { DatabaseConversationStore } from './database/DatabaseConversationStore';
import { applyMigrations } from './database/migrations';
import { createRouter } from './router';
import { AgentLoop, createAssistantMetrics } from './services/AgentLoop';
import { createTranscriber } from './services/Transcription';
import type { Transcriber } from './services/types';

/** The gateway's default approver groups (llmGateway.approvals.approverGroups). */
const DEFAULT_APPROVER_GROUPS = [
  'group:default/platform-admins',
  'group:default/sre',
];

const DEFAULT_APPROVAL_LINK = '/ai-assistant?approval={approvalId}';

export const conversationChannel = (conversationId: string) =>
  `ai-assistant:conversation:${conversationId}`;

export interface AiAssistantPluginOptions {
  /**
   * Speech to text for `/v1/transcribe`. Default: pocketsphinx or a
   * Whisper-compatible endpoint, from `aiAssistant.transcription`.
   */
  transcriber?: (deps: {
    config: RootConfigService;
    logger: LoggerService;
  }) => Transcriber | Promise<Transcriber>;
}

/**
 * The assistant's backend: conversations in the plugin's database, the
 * agent loop through the LLM gateway, approvals that survive a restart,
 * undo and plans. Served at /api/ai-assistant.
 */
export function createAiAssistantPlugin(
  options: AiAssistantPluginOptions = {},
) {
  return createBackendPlugin({
    pluginId: 'ai-assistant',
    register(env) {
      env.registerInit({
        deps: {
          logger: coreServices.logger,
          config: coreServices.rootConfig,
          database: coreServices.database,
          httpAuth: coreServices.httpAuth,
          httpRouter: coreServices.httpRouter,
          userInfo: coreServices.userInfo,
          gateway: llmGatewayServiceRef,
          signals: signalsServiceRef,
          notifications: notificationService,
          metrics: metricsServiceRef,
          tracing: tracingServiceRef,
        },
        async init(deps) {
          const { logger, config, database, signals, notifications } = deps;
          const knex = await database.getClient();
          await applyMigrations(knex, database);
          const store = DatabaseConversationStore.create({ knex });
          const approverGroups =
            config.getOptionalStringArray(
              'llmGateway.approvals.approverGroups',
            ) ?? DEFAULT_APPROVER_GROUPS;
          const linkPath =
            config.getOptionalString('aiAssistant.approvals.linkPath') ??
            DEFAULT_APPROVAL_LINK;

          const publish = (owner: string, signal: ConversationSignal) =>
            signals.publish({
              recipients: { type: 'user', entityRef: owner },
              channel: conversationChannel(signal.conversationId),
              message: { ...signal },
            });

          const loop = new AgentLoop({
            gateway: deps.gateway,
            store,
            userInfo: deps.userInfo,
            logger,
            maxSteps:
              config.getOptionalNumber('aiAssistant.maxStepsPerTurn') ?? 6,
            model: config.getOptionalString('aiAssistant.model'),
            maxTokens: config.getOptionalNumber('aiAssistant.maxTokensPerStep'),
            metrics: createAssistantMetrics(deps.metrics),
            tracing: deps.tracing,
            listener: {
              async onPaused({ owner, conversationId, approval }) {
                // A confirmation is the requester's own, in the chat.
                if (approval.mode !== 'approval') return;
                await notifications.send({
                  recipients: {
                    type: 'entity',
                    entityRef: approverGroups,
                    excludeEntityRef: owner,
                  },
                  payload: {
                    title: `Approval needed: ${approval.tool}`,
                    description: `${owner} asks the AI assistant to run ${
                      approval.tool
                    } with ${JSON.stringify(approval.arguments)}${
                      approval.entityRef ? ` on ${approval.entityRef}` : ''
                    }. Why it needs approval: ${approval.reason}.${
                      approval.expiresAt
                        ? ` Expires ${approval.expiresAt}.`
                        : ''
                    }`,
                    link: linkPath
                      .replace('{approvalId}', encodeURIComponent(approval.id))
                      .replace(
                        '{conversationId}',
                        encodeURIComponent(conversationId),
                      ),
                    severity: 'high',
                    topic: 'ai-assistant-approval',
                    scope: `ai-assistant:approval:${approval.id}`,
                  },
                });
              },
              async onUpdated({ owner, conversationId }) {
                await publish(owner, {
                  conversationId,
                  reason: 'turn_updated',
                });
              },
            },
          });

          const transcriber = await (options.transcriber ?? createTranscriber)({
            config,
            logger,
          });

          // Probes call /health without a token; it says only "ok".
          deps.httpRouter.addAuthPolicy({
            path: '/health',
            allow: 'unauthenticated',
          });
          deps.httpRouter.use(
            await createRouter({
              logger,
              httpAuth: deps.httpAuth,
              userInfo: deps.userInfo,
              store,
              loop,
              transcriber,
              approverGroups,
              tracing: deps.tracing,
              async onApprovalDecided({
                owner,
                conversationId,
                approvalId,
                decidedBy,
              }) {
                await publish(owner, {
                  conversationId,
                  reason: 'approval_decided',
                  approvalId,
                });
                if (decidedBy === owner) return;
                try {
                  await notifications.send({
                    recipients: { type: 'entity', entityRef: owner },
                    payload: {
                      title: 'Your AI assistant request was decided',
                      description: `${decidedBy} decided approval ${approvalId}; open the conversation to go on.`,
                      link: `/ai-assistant?conversation=${encodeURIComponent(
                        conversationId,
                      )}`,
                      severity: 'normal',
                      topic: 'ai-assistant-approval',
                      scope: `ai-assistant:decided:${approvalId}`,
                    },
                  });
                } catch (error) {
                  logger.warn('could not notify the requester', {
                    approvalId,
                    reason: (error as Error).message,
                  });
                }
              },
            }),
          );
        },
      });
    },
  });
}

/** The AI assistant's backend, served at /api/ai-assistant. */
export const aiAssistantPlugin = createAiAssistantPlugin();
