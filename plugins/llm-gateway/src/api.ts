import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  AuditPage,
  AuditQuery,
  AuditVerification,
  DetectorListResponse,
  DetectorSetting,
  DetectorUpdateRequest,
  DlpRule,
  DlpRuleList,
  InspectRequest,
  InspectResponse,
  PolicyDocument,
  PolicyEvaluateRequest,
  PolicyEvaluateResponse,
  PolicyHistoryResponse,
  PolicyListResponse,
  PolicyRestoreRequest,
  PolicySaveRequest,
  PolicyValidateRequest,
  PolicyValidateResponse,
  PolicyValidationError,
  PolicyVersionSummary,
  ProviderStatus,
  QuotasResponse,
  QuotaUsage,
} from '@pilothouse/plugin-llm-gateway-common';

/** The gateway's `/v1` admin API, as the admin page uses it. */
export interface LlmGatewayApi {
  /** Inspect a text as the page's user, or as `asUser` (admins only). Nothing is sent anywhere. */
  inspect(request: InspectRequest): Promise<InspectResponse>;

  /** Built-in detectors and custom rules (`builtin: false`). */
  listDetectors(): Promise<DetectorSetting[]>;
  /** Changes a built-in detector; answers the saved setting. */
  updateDetector(setting: DetectorSetting): Promise<DetectorSetting>;
  listRules(): Promise<DlpRule[]>;
  /** Replaces the whole list of custom rules; answers the saved list. */
  replaceRules(rules: DlpRule[]): Promise<DlpRule[]>;

  /** The latest version of each policy, and texts refused at load. */
  listPolicies(): Promise<PolicyListResponse>;
  /** The current version, or an older one. */
  getPolicy(name: string, version?: number): Promise<PolicyDocument>;
  /** Newest first, each with its diff against the version before. */
  getPolicyHistory(name: string): Promise<PolicyVersionSummary[]>;
  validatePolicy(
    name: string,
    source: string,
  ): Promise<PolicyValidationError[]>;
  /** Answers 409 when `baseVersion` is no longer the latest; 400 for an invalid text. */
  savePolicy(name: string, change: PolicySaveRequest): Promise<PolicyDocument>;
  restorePolicy(name: string, version: number): Promise<PolicyDocument>;
  evaluatePolicy(
    request: PolicyEvaluateRequest,
  ): Promise<PolicyEvaluateResponse>;

  listProviders(): Promise<ProviderStatus[]>;
  listQuotas(): Promise<QuotaUsage[]>;

  queryAudit(query: AuditQuery): Promise<AuditPage>;
  /** Verifies the whole chain now (needs the audit permission). */
  verifyAudit(): Promise<AuditVerification>;
  /** The last verification, scheduled or on request; undefined before the first. */
  lastAuditVerification(): Promise<AuditVerification | undefined>;
}

export const llmGatewayApiRef = createApiRef<LlmGatewayApi>({
  id: 'plugin.llm-gateway.service',
});

export class LlmGatewayClient implements LlmGatewayApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  inspect(request: InspectRequest) {
    return this.send<InspectResponse>('POST', '/v1/inspect', request);
  }

  async listDetectors() {
    const body = await this.send<DetectorListResponse>('GET', '/v1/detectors');
    return body.detectors;
  }

  updateDetector(setting: DetectorSetting) {
    const change: DetectorUpdateRequest = {
      enabled: setting.enabled,
      actions: setting.actions,
      minConfidence: setting.minConfidence,
    };
    return this.send<DetectorSetting>(
      'PUT',
      `/v1/detectors/${encodeURIComponent(setting.type)}`,
      change,
    );
  }

  async listRules() {
    const body = await this.send<DlpRuleList>('GET', '/v1/rules');
    return body.rules;
  }

  async replaceRules(rules: DlpRule[]) {
    const request: DlpRuleList = { rules };
    const body = await this.send<DlpRuleList>('PUT', '/v1/rules', request);
    return body.rules;
  }

  listPolicies() {
    return this.send<PolicyListResponse>('GET', '/v1/policies');
  }

  getPolicy(name: string, version?: number) {
    const query = version === undefined ? '' : `?version=${version}`;
    return this.send<PolicyDocument>(
      'GET',
      `/v1/policies/${encodeURIComponent(name)}${query}`,
    );
  }

  async getPolicyHistory(name: string) {
    const body = await this.send<PolicyHistoryResponse>(
      'GET',
      `/v1/policies/${encodeURIComponent(name)}/history`,
    );
    return body.versions;
  }

  async validatePolicy(name: string, source: string) {
    const request: PolicyValidateRequest = { source };
    const result = await this.send<PolicyValidateResponse>(
      'POST',
      `/v1/policies/${encodeURIComponent(name)}/validate`,
      request,
    );
    return result.errors;
  }

  savePolicy(name: string, change: PolicySaveRequest) {
    return this.send<PolicyDocument>(
      'PUT',
      `/v1/policies/${encodeURIComponent(name)}`,
      change,
    );
  }

  restorePolicy(name: string, version: number) {
    const request: PolicyRestoreRequest = { version };
    return this.send<PolicyDocument>(
      'POST',
      `/v1/policies/${encodeURIComponent(name)}/restore`,
      request,
    );
  }

  evaluatePolicy(request: PolicyEvaluateRequest) {
    return this.send<PolicyEvaluateResponse>(
      'POST',
      '/v1/policies/evaluate',
      request,
    );
  }

  listProviders() {
    return this.send<ProviderStatus[]>('GET', '/v1/providers');
  }

  async listQuotas() {
    const body = await this.send<QuotasResponse>('GET', '/v1/quotas');
    return body.quotas;
  }

  queryAudit(query: AuditQuery) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const search = params.toString();
    return this.send<AuditPage>(
      'GET',
      `/v1/audit${search ? `?${search}` : ''}`,
    );
  }

  verifyAudit() {
    return this.send<AuditVerification>('GET', '/v1/audit/verify');
  }

  async lastAuditVerification() {
    try {
      return await this.send<AuditVerification>(
        'GET',
        '/v1/audit/verification',
      );
    } catch (error) {
      // 404 until the chain was verified once.
      if (ResponseError.is(error) && error.statusCode === 404) {
        return undefined;
      }
      throw error;
    }
  }

  private async send<T>(method: string, path: string, body?: unknown) {
    const baseUrl = await this.discoveryApi.getBaseUrl('llm-gateway');
    const res = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : {
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          }),
    });
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as T;
  }
}
