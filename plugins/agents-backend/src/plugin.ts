import {
  coreServices,
  createBackendPlugin,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { DEFAULT_ISOLATION_OPTIONS, IsolationOptions } from './render/options';
import { createRouter } from './router';
import { AgentEntities } from './services/AgentEntities/AgentEntities';
import { IsolationChecker } from './services/Isolation/IsolationChecker';
import { KubernetesIsolationReader } from './services/Isolation/KubernetesIsolationReader';

function labelsAt(config: RootConfigService, key: string) {
  const labels = config.getOptionalConfig(key);
  return labels
    ? Object.fromEntries(labels.keys().map(k => [k, labels.getString(k)]))
    : undefined;
}

/** `agents.isolation` and `agents.gitops`, over the defaults. */
export function readIsolationOptions(
  config: RootConfigService,
): IsolationOptions {
  const d = DEFAULT_ISOLATION_OPTIONS;
  const at = (key: string) => `agents.${key}`;
  return {
    gateway: {
      url:
        config.getOptionalString(at('isolation.gateway.url')) ?? d.gateway.url,
      namespace:
        config.getOptionalString(at('isolation.gateway.namespace')) ??
        d.gateway.namespace,
      podLabels:
        labelsAt(config, at('isolation.gateway.podLabels')) ??
        d.gateway.podLabels,
      port:
        config.getOptionalNumber(at('isolation.gateway.port')) ??
        d.gateway.port,
    },
    dns: {
      namespace:
        config.getOptionalString(at('isolation.dns.namespace')) ??
        d.dns.namespace,
      podLabels:
        labelsAt(config, at('isolation.dns.podLabels')) ?? d.dns.podLabels,
    },
    runtime: {
      image:
        config.getOptionalString(at('isolation.runtime.image')) ??
        d.runtime.image,
      runAsUser:
        config.getOptionalNumber(at('isolation.runtime.runAsUser')) ??
        d.runtime.runAsUser,
      resources: d.runtime.resources,
    },
    gitops: {
      repoUrl:
        config.getOptionalString(at('gitops.repoUrl')) ?? d.gitops.repoUrl,
      targetRevision:
        config.getOptionalString(at('gitops.targetRevision')) ??
        d.gitops.targetRevision,
      basePath:
        config.getOptionalString(at('gitops.basePath')) ?? d.gitops.basePath,
      project:
        config.getOptionalString(at('gitops.project')) ?? d.gitops.project,
      argocdNamespace:
        config.getOptionalString(at('gitops.argocdNamespace')) ??
        d.gitops.argocdNamespace,
      destinationServer:
        config.getOptionalString(at('gitops.destinationServer')) ??
        d.gitops.destinationServer,
    },
    awsRoleArnTemplate:
      config.getOptionalString(at('isolation.aws.roleArnTemplate')) ??
      d.awsRoleArnTemplate,
  };
}

/**
 * Kubernetes isolation for AI agents, at /api/agents: each Agent entity's
 * manifests (namespace, RBAC, NetworkPolicies, quota, Deployment, Argo CD
 * Application) and how the live cluster differs from them.
 */
export const agentsPlugin = createBackendPlugin({
  pluginId: 'agents',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        catalog: catalogServiceRef,
      },
      async init({ logger, config, httpAuth, httpRouter, catalog }) {
        const options = readIsolationOptions(config);
        const kubeconfig = config.getOptionalString(
          'agents.kubernetes.kubeconfig',
        );
        const reader = KubernetesIsolationReader.fromKubeconfig(
          kubeconfig || undefined,
        );
        logger.info('agents isolation checks read the cluster', {
          kubeconfig: kubeconfig ? 'agents.kubernetes.kubeconfig' : 'default',
        });
        // Probes call /health without a token; it says only "ok".
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.use(
          await createRouter({
            logger,
            httpAuth,
            entities: new AgentEntities(catalog),
            checker: new IsolationChecker({ reader, options, logger }),
            options,
          }),
        );
      },
    });
  },
});
