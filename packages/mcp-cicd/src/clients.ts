import { Octokit } from '@octokit/rest';
import { UpstreamError } from './errors';

/** Where the upstreams are and the tokens to reach them (never logged or returned). */
export interface CicdEndpoints {
  /** Argo CD base URL; the API is under `<url>/api/v1`. */
  argocdUrl: string;
  argocdToken?: string;
  /** Argo Rollouts dashboard API base URL; the API is under `<url>/api/v1`. */
  rolloutsUrl: string;
  rolloutsToken?: string;
  /** GitHub REST API base URL (Octokit's baseUrl). */
  githubApiUrl: string;
  githubToken?: string;
}

export interface HistoryEntry {
  id: number;
  revision: string;
  deployedAt?: string;
  deployStartedAt?: string;
}

/** The part of an Argo CD Application the tools read. */
export interface Application {
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
  spec: {
    project: string;
    source?: { repoURL?: string; path?: string; targetRevision?: string };
    destination?: { server?: string; namespace?: string };
  };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    history?: HistoryEntry[];
    operationState?: {
      phase?: string;
      message?: string;
      startedAt?: string;
      finishedAt?: string;
      syncResult?: { revision?: string };
    };
  };
}

export interface Rollout {
  metadata: { name: string; namespace: string };
  spec: {
    strategy?: {
      canary?: {
        steps?: Array<{ setWeight?: number; pause?: { duration?: string } }>;
      };
    };
  };
  status?: {
    phase?: string;
    message?: string;
    currentStepIndex?: number;
    abort?: boolean;
    stableRS?: string;
    currentPodHash?: string;
    canary?: { weights?: { canary?: { weight?: number } } };
  };
}

/** A JSON client for one HTTP API with a bearer token; errors become UpstreamError. */
class JsonApi {
  constructor(
    private readonly system: UpstreamError['system'],
    private readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    const res = await fetch(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
      method,
      signal,
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let data: any;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (!res.ok) {
      // GitHub says `message`; Argo CD says `message` and `error`.
      const message = [data?.message, data?.error].find(
        (m): m is string => typeof m === 'string',
      );
      throw new UpstreamError(
        this.system,
        res.status,
        message ?? res.statusText,
      );
    }
    return data as T;
  }
}

/** The Argo CD REST API calls mcp-cicd makes. */
export class ArgoCdClient {
  private readonly api: JsonApi;

  constructor(url: string, token?: string) {
    this.api = new JsonApi(
      'Argo CD',
      `${url.replace(/\/+$/, '')}/api/v1`,
      token,
    );
  }

  async listApplications(query: {
    projects?: string[];
    selector?: string;
  }): Promise<Application[]> {
    const params = new URLSearchParams();
    for (const p of query.projects ?? []) {
      params.append('projects', p);
    }
    if (query.selector) {
      params.set('selector', query.selector);
    }
    const qs = params.toString();
    const list = await this.api.request<{ items?: Application[] | null }>(
      'GET',
      `/applications${qs ? `?${qs}` : ''}`,
    );
    return list.items ?? [];
  }

  getApplication(name: string): Promise<Application> {
    return this.api.request('GET', `/applications/${encodeURIComponent(name)}`);
  }

  sync(name: string, body: { revision?: string; prune?: boolean }) {
    return this.api.request<Application>(
      'POST',
      `/applications/${encodeURIComponent(name)}/sync`,
      { name, ...body },
    );
  }

  rollback(name: string, id: number) {
    return this.api.request<Application>(
      'PUT',
      `/applications/${encodeURIComponent(name)}/rollback`,
      { name, id },
    );
  }
}

/** The Argo Rollouts dashboard API calls mcp-cicd makes. */
export class RolloutsClient {
  private readonly api: JsonApi;

  constructor(url: string, token?: string) {
    this.api = new JsonApi(
      'Argo Rollouts',
      `${url.replace(/\/+$/, '')}/api/v1`,
      token,
    );
  }

  private path(namespace: string, name: string) {
    return `/rollouts/${encodeURIComponent(namespace)}/${encodeURIComponent(
      name,
    )}`;
  }

  get(namespace: string, name: string): Promise<Rollout> {
    return this.api.request('GET', this.path(namespace, name));
  }

  promote(namespace: string, name: string, full: boolean): Promise<Rollout> {
    return this.api.request('PUT', `${this.path(namespace, name)}/promote`, {
      full,
    });
  }

  abort(namespace: string, name: string): Promise<Rollout> {
    return this.api.request('PUT', `${this.path(namespace, name)}/abort`, {});
  }
}

export interface CicdClients {
  argocd: ArgoCdClient;
  rollouts: RolloutsClient;
  github: Octokit;
}

export function createCicdClients(endpoints: CicdEndpoints): CicdClients {
  return {
    argocd: new ArgoCdClient(endpoints.argocdUrl, endpoints.argocdToken),
    rollouts: new RolloutsClient(
      endpoints.rolloutsUrl,
      endpoints.rolloutsToken,
    ),
    github: new Octokit({
      baseUrl: endpoints.githubApiUrl.replace(/\/+$/, ''),
      auth: endpoints.githubToken,
      userAgent: 'pilothouse-mcp-cicd',
      // Octokit would log through console; this server logs only its own
      // JSON lines to stderr.
      log: {
        debug: () => {},
        info: () => {},
        warn: () => {},
        error: () => {},
      },
    }),
  };
}
