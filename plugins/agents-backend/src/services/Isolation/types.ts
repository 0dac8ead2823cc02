/** A live Kubernetes object as read from the cluster (only the fields compared). */
export interface LiveObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: any;
}

/** What is live for one agent: its namespace's isolation objects and the RBAC where it acts. */
export interface LiveIsolationState {
  /** The agent's namespace; undefined when it does not exist. */
  namespace?: LiveObject;
  serviceAccounts: LiveObject[];
  /** Roles in the agent's namespace and in each namespace it has rendered RBAC in. */
  roles: LiveObject[];
  roleBindings: LiveObject[];
  /** Undefined when the cluster would not list them (the reason is in `warnings`). */
  clusterRoleBindings?: LiveObject[];
  networkPolicies: LiveObject[];
  resourceQuotas: LiveObject[];
  limitRanges: LiveObject[];
  warnings: string[];
}

/** Reads the live state an isolation check compares. */
export interface LiveIsolationReader {
  read(request: {
    agentNamespace: string;
    /** Namespaces other than the agent's where rendered RBAC lives. */
    rbacNamespaces: string[];
  }): Promise<LiveIsolationState>;
}
