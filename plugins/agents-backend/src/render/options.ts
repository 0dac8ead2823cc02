/** Where the platform's parts live, as the rendered manifests need them. */
export interface IsolationOptions {
  gateway: {
    /** URL the agent calls for models and tools (the LLM gateway). */
    url: string;
    /** Namespace the portal (and so the gateway) runs in. */
    namespace: string;
    /** Labels of the portal's pods. */
    podLabels: Record<string, string>;
    /** TCP port the portal's pods listen on. */
    port: number;
  };
  /** Namespace and pod labels of the cluster DNS. */
  dns: { namespace: string; podLabels: Record<string, string> };
  runtime: {
    /** Image for agents whose entity names none. */
    image: string;
    /** Non-root user and group id the agent runs as. */
    runAsUser: number;
    /** Container resources when the entity declares none. */
    resources: {
      requests: { cpu: string; memory: string };
      limits: { cpu: string; memory: string };
    };
  };
  gitops: {
    repoUrl: string;
    targetRevision: string;
    /** Folder in the repository holding one folder per agent. */
    basePath: string;
    project: string;
    /** Namespace Argo CD watches for Applications. */
    argocdNamespace: string;
    destinationServer: string;
  };
  /**
   * IAM role ARN written on the ServiceAccount of agents whose tools need
   * AWS permissions (IRSA); `{name}` and `{namespace}` are filled in.
   */
  awsRoleArnTemplate: string;
}

export const DEFAULT_ISOLATION_OPTIONS: IsolationOptions = {
  gateway: {
    url: 'http://pilothouse.pilothouse.svc.cluster.local:7007/api/llm-gateway',
    namespace: 'pilothouse',
    podLabels: { 'app.kubernetes.io/name': 'pilothouse' },
    port: 7007,
  },
  dns: {
    namespace: 'kube-system',
    podLabels: { 'k8s-app': 'kube-dns' },
  },
  runtime: {
    image: 'pilothouse/agent-runtime:0.1.0',
    runAsUser: 10001,
    resources: {
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    },
  },
  gitops: {
    repoUrl: 'https://github.com/example/pilothouse-gitops.git',
    targetRevision: 'main',
    basePath: 'agents',
    project: 'pilothouse-agents',
    argocdNamespace: 'argocd',
    destinationServer: 'https://kubernetes.default.svc',
  },
  awsRoleArnTemplate: 'arn:aws:iam::<account-id>:role/pilothouse-agent-{name}',
};
