/**
 * What `/api/agents` answers (plugins/agents-backend), for the Agents page.
 */

/**
 * How an agent's live isolation compares with what its entity renders:
 * - `ok`: every rendered isolation object is live and says the same;
 * - `drift`: something differs (see `differences`);
 * - `not-deployed`: its namespace does not exist in the cluster;
 * - `invalid`: the entity cannot be rendered (e.g. a declared `*`), see `message`;
 * - `unreachable`: the cluster could not be read, see `message`.
 */
export type IsolationStatus =
  | 'ok'
  | 'drift'
  | 'not-deployed'
  | 'invalid'
  | 'unreachable';

/** One way the live cluster differs from the rendered manifests. */
export type IsolationDifference = {
  /** Kubernetes kind of the object concerned, e.g. `Role`. */
  kind: string;
  namespace?: string;
  name: string;
  /**
   * - `missing`: rendered but not live;
   * - `unexpected`: live, grants or allows something, and was not rendered;
   * - `extra-permission`: a live rule grants more than the tools declare;
   * - `missing-permission`: a declared permission is not granted live;
   * - `wildcard`: a live rule uses `*`;
   * - `changed`: live but with other content.
   */
  problem:
    | 'missing'
    | 'unexpected'
    | 'extra-permission'
    | 'missing-permission'
    | 'wildcard'
    | 'changed';
  /** A sentence for a person, naming what differs. */
  detail: string;
};

export type AgentIsolationReport = {
  /** `agent:default/incident-triage` */
  agentRef: string;
  /** The Kubernetes namespace the agent runs in (spec.namespace). */
  agentNamespace: string;
  status: IsolationStatus;
  /** ISO time of the check. */
  checkedAt: string;
  differences: IsolationDifference[];
  /** Why the status is `invalid` or `unreachable`. */
  message?: string;
  /** Rendering notes an operator should read (e.g. an MCP server no NetworkPolicy can name). */
  warnings: string[];
};

/** `GET /v1/agents` items. */
export type AgentSummary = {
  entityRef: string;
  name: string;
  title?: string;
  owner: string;
  agentNamespace: string;
  isolation: AgentIsolationReport;
};

export type AgentListResponse = { items: AgentSummary[] };
