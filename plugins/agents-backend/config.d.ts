export interface Config {
  /** Kubernetes isolation for AI agents (plugins/agents-backend). */
  agents?: {
    kubernetes?: {
      /**
       * Path of the kubeconfig whose current context is the cluster the
       * isolation check reads. Default: $KUBECONFIG, ~/.kube/config, then
       * the in-cluster service account. The laptop config points it at the
       * sandbox (`${PILOTHOUSE_KUBECONFIG}`).
       */
      kubeconfig?: string;
    };
    isolation?: {
      gateway?: {
        /**
         * URL agents call for models and tools (the LLM gateway); its
         * `/mcp` is their MCP endpoint. Default
         * `http://pilothouse.pilothouse.svc.cluster.local:7007/api/llm-gateway`.
         */
        url?: string;
        /** Namespace the portal runs in, for the agents' egress. Default `pilothouse`. */
        namespace?: string;
        /** Labels of the portal's pods. Default `app.kubernetes.io/name: pilothouse`. */
        podLabels?: { [label: string]: string };
        /** TCP port of the portal's pods. Default 7007. */
        port?: number;
      };
      dns?: {
        /** Namespace of the cluster DNS. Default `kube-system`. */
        namespace?: string;
        /** Labels of the cluster DNS pods. Default `k8s-app: kube-dns`. */
        podLabels?: { [label: string]: string };
      };
      runtime?: {
        /** Image for agents whose entity names none. Default `pilothouse/agent-runtime:0.1.0`. */
        image?: string;
        /** Non-root user and group id agents run as. Default 10001. */
        runAsUser?: number;
      };
      aws?: {
        /**
         * IAM role ARN put on the ServiceAccount (IRSA) of agents whose
         * tools need AWS permissions; `{name}` and `{namespace}` are filled
         * in. Default `arn:aws:iam::<account-id>:role/pilothouse-agent-{name}`,
         * a placeholder to replace.
         */
        roleArnTemplate?: string;
      };
    };
    gitops?: {
      /** Git repository Argo CD deploys agents from. */
      repoUrl?: string;
      /** Branch, tag or commit. Default `main`. */
      targetRevision?: string;
      /** Folder holding one folder per agent. Default `agents`. */
      basePath?: string;
      /** Argo CD project of the agents' Applications. Default `pilothouse-agents`. */
      project?: string;
      /** Namespace Argo CD reads Applications from. Default `argocd`. */
      argocdNamespace?: string;
      /** Cluster the Applications deploy to. Default `https://kubernetes.default.svc`. */
      destinationServer?: string;
    };
  };
}
