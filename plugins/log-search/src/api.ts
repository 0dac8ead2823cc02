import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  Detection,
  DetectionLevel,
  DetectionListResponse,
  DetectionResponse,
  DetectionStatus,
  HistogramResponse,
  LogEvent,
  RuleListResponse,
  SavedSearch,
  SavedSearchListResponse,
  SearchResponse,
} from '@pilothouse/plugin-log-search-common';
import { createParser } from 'eventsource-parser';

export interface SearchRequest {
  q: string;
  /** ISO 8601 or relative (`now-15m`). */
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface HistogramRequest {
  q: string;
  from?: string;
  to?: string;
  buckets?: number;
}

export interface DetectionFilter {
  /** ISO 8601: detections last seen since then. */
  since?: string;
  status?: DetectionStatus;
  level?: DetectionLevel;
  entityRef?: string;
}

export interface SavedSearchRequest {
  name: string;
  query: string;
  range?: string;
}

/** How a live tail reports its events; `signal` stops it. */
export interface TailOptions {
  onEvent: (event: LogEvent) => void;
  /** Called once the server has accepted the query and the stream is open. */
  onOpen?: () => void;
  signal?: AbortSignal;
}

/** The log search backend (`/api/log-search/v1`) as its pages use it. */
export interface LogSearchApi {
  search(request: SearchRequest): Promise<SearchResponse>;
  histogram(request: HistogramRequest): Promise<HistogramResponse>;
  /**
   * Streams new matching events until `signal` aborts or the server ends
   * the stream (then it resolves).
   */
  tail(q: string, options: TailOptions): Promise<void>;

  listDetections(filter?: DetectionFilter): Promise<Detection[]>;
  getDetection(id: string): Promise<DetectionResponse>;
  acknowledgeDetection(id: string, note?: string): Promise<DetectionResponse>;
  resolveDetection(id: string, note?: string): Promise<DetectionResponse>;
  listRules(): Promise<RuleListResponse>;

  listSavedSearches(): Promise<SavedSearch[]>;
  saveSearch(request: SavedSearchRequest): Promise<SavedSearch>;
  deleteSavedSearch(id: string): Promise<void>;
}

export const logSearchApiRef = createApiRef<LogSearchApi>({
  id: 'plugin.log-search.service',
});

function queryString(params: Record<string, string | number | undefined>) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

export class LogSearchClient implements LogSearchApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  search(request: SearchRequest) {
    return this.json<SearchResponse>(
      'GET',
      `/v1/search${queryString({ ...request })}`,
    );
  }

  histogram(request: HistogramRequest) {
    return this.json<HistogramResponse>(
      'GET',
      `/v1/histogram${queryString({ ...request })}`,
    );
  }

  /**
   * Server-sent events read from a fetch: EventSource cannot send the
   * user's token, so the body is read as a stream and parsed here.
   */
  async tail(q: string, options: TailOptions) {
    const res = await this.request(
      'GET',
      `/v1/tail${queryString({ q })}`,
      undefined,
      { Accept: 'text/event-stream' },
      options.signal,
    );
    options.onOpen?.();
    if (!res.body) return;
    const parser = createParser({
      onEvent: message => {
        if (message.event === 'log') {
          options.onEvent(JSON.parse(message.data) as LogEvent);
        }
      },
    });
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      throw error;
    }
  }

  async listDetections(filter: DetectionFilter = {}) {
    const body = await this.json<DetectionListResponse>(
      'GET',
      `/v1/detections${queryString({ ...filter })}`,
    );
    return body.items;
  }

  getDetection(id: string) {
    return this.json<DetectionResponse>(
      'GET',
      `/v1/detections/${encodeURIComponent(id)}`,
    );
  }

  acknowledgeDetection(id: string, note?: string) {
    return this.json<DetectionResponse>(
      'POST',
      `/v1/detections/${encodeURIComponent(id)}/acknowledge`,
      note ? { note } : {},
    );
  }

  resolveDetection(id: string, note?: string) {
    return this.json<DetectionResponse>(
      'POST',
      `/v1/detections/${encodeURIComponent(id)}/resolve`,
      note ? { note } : {},
    );
  }

  listRules() {
    return this.json<RuleListResponse>('GET', '/v1/rules');
  }

  async listSavedSearches() {
    const body = await this.json<SavedSearchListResponse>(
      'GET',
      '/v1/saved-searches',
    );
    return body.items;
  }

  saveSearch(request: SavedSearchRequest) {
    return this.json<SavedSearch>('POST', '/v1/saved-searches', request);
  }

  async deleteSavedSearch(id: string) {
    await this.request(
      'DELETE',
      `/v1/saved-searches/${encodeURIComponent(id)}`,
    );
  }

  private async json<T>(method: string, path: string, body?: unknown) {
    const res = await this.request(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      body === undefined ? {} : { 'Content-Type': 'application/json' },
    );
    return (await res.json()) as T;
  }

  private async request(
    method: string,
    path: string,
    body?: BodyInit,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ) {
    const baseUrl = await this.discoveryApi.getBaseUrl('log-search');
    const res = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body,
      signal,
    });
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return res;
  }
}
