import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  SloHistoryResponse,
  SloListResponse,
  SloResponse,
  SloSummary,
} from '@pilothouse/plugin-slo-common';

/** Narrows `GET /v1/slos`; every field is optional. */
export interface SloListQuery {
  owner?: string;
  system?: string;
  /** The measured entity, `component:default/payments`. */
  targetRef?: string;
  status?: SloSummary['status'];
}

/** The SLO backend (`/api/slo/v1`) as the SLO pages use it. */
export interface SloApi {
  /** Every SLO the caller may see, who is in trouble first; `error` when Prometheus was unreachable. */
  listSlos(query?: SloListQuery): Promise<SloListResponse>;
  getSlo(slo: CompoundEntityRef): Promise<SloSummary>;
  /** SLI and budget remaining over the SLO's window, for the charts. */
  getHistory(slo: CompoundEntityRef): Promise<SloHistoryResponse>;
  /** The generated Prometheus recording and alerting rules, as YAML. */
  getRules(slo: CompoundEntityRef): Promise<string>;
}

export const sloApiRef = createApiRef<SloApi>({
  id: 'plugin.slo.service',
});

function sloPath(slo: CompoundEntityRef) {
  return `/v1/slos/${encodeURIComponent(slo.namespace)}/${encodeURIComponent(
    slo.name,
  )}`;
}

export class SloClient implements SloApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listSlos(query: SloListQuery = {}) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value) params.set(key, value);
    }
    const search = params.toString();
    const res = await this.get(`/v1/slos${search ? `?${search}` : ''}`);
    return (await res.json()) as SloListResponse;
  }

  async getSlo(slo: CompoundEntityRef) {
    const res = await this.get(sloPath(slo));
    return ((await res.json()) as SloResponse).slo;
  }

  async getHistory(slo: CompoundEntityRef) {
    const res = await this.get(`${sloPath(slo)}/history`);
    return (await res.json()) as SloHistoryResponse;
  }

  async getRules(slo: CompoundEntityRef) {
    const res = await this.get(`${sloPath(slo)}/rules`);
    return res.text();
  }

  private async get(path: string) {
    const baseUrl = await this.discoveryApi.getBaseUrl('slo');
    const res = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return res;
  }
}
