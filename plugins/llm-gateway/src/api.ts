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
  DetectorSetting,
  DlpRule,
  InspectRequest,
  InspectResponse,
  PolicyDecision,
  PolicyDocument,
  PolicyEvaluationRequest,
  PolicyValidationError,
  PolicyValidationResult,
  PolicyVersionSummary,
  ProviderStatus,
  QuotaUsage,
} from '@pilothouse/plugin-llm-gateway-common';

/** The gateway's `/v1` admin API, as the admin page uses it. */
export interface LlmGatewayApi {
  /** Inspect a text as the page's user, or as `asUser` (admins only). Nothing is sent anywhere. */
  inspect(request: InspectRequest): Promise<InspectResponse>;

  listDetectors(): Promise<DetectorSetting[]>;
  updateDetector(setting: DetectorSetting): Promise<DetectorSetting>;
  listRules(): Promise<DlpRule[]>;
  /** Replaces the whole list of custom rules. */
  replaceRules(rules: DlpRule[]): Promise<DlpRule[]>;

  listPolicies(): Promise<PolicyDocument[]>;
  /** The current version, or an older one. */
  getPolicy(name: string, version?: number): Promise<PolicyDocument>;
  /** Newest first, each with its diff against the version before. */
  getPolicyHistory(name: string): Promise<PolicyVersionSummary[]>;
  validatePolicy(
    name: string,
    source: string,
  ): Promise<PolicyValidationError[]>;
  /** Throws {@link GatewayValidationError} when the server finds the source invalid. */
  savePolicy(
    name: string,
    change: { source: string; comment?: string },
  ): Promise<PolicyDocument>;
  restorePolicy(name: string, version: number): Promise<PolicyDocument>;
  evaluatePolicy(request: PolicyEvaluationRequest): Promise<PolicyDecision>;

  listProviders(): Promise<ProviderStatus[]>;
  listQuotas(): Promise<QuotaUsage[]>;

  queryAudit(query: AuditQuery): Promise<AuditPage>;
  verifyAudit(): Promise<AuditVerification>;
}

export const llmGatewayApiRef = createApiRef<LlmGatewayApi>({
  id: 'plugin.llm-gateway.service',
});

/**
 * The server refused a change and said why, field by field (an invalid
 * policy, an invalid DLP rule). `errors` is what the page lists.
 */
export class GatewayValidationError extends Error {
  readonly errors: PolicyValidationError[];

  constructor(errors: PolicyValidationError[]) {
    super(errors.map(e => e.message).join('; ') || 'Invalid input');
    this.name = 'GatewayValidationError';
    this.errors = errors;
  }
}

function hasValidationErrors(body: unknown): body is PolicyValidationResult {
  return (
    typeof body === 'object' &&
    body !== null &&
    Array.isArray((body as PolicyValidationResult).errors)
  );
}

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

  listDetectors() {
    return this.send<DetectorSetting[]>('GET', '/v1/detectors');
  }

  updateDetector(setting: DetectorSetting) {
    return this.send<DetectorSetting>(
      'PUT',
      `/v1/detectors/${encodeURIComponent(setting.type)}`,
      setting,
    );
  }

  listRules() {
    return this.send<DlpRule[]>('GET', '/v1/rules');
  }

  replaceRules(rules: DlpRule[]) {
    return this.send<DlpRule[]>('PUT', '/v1/rules', rules);
  }

  listPolicies() {
    return this.send<PolicyDocument[]>('GET', '/v1/policies');
  }

  getPolicy(name: string, version?: number) {
    const query = version === undefined ? '' : `?version=${version}`;
    return this.send<PolicyDocument>(
      'GET',
      `/v1/policies/${encodeURIComponent(name)}${query}`,
    );
  }

  getPolicyHistory(name: string) {
    return this.send<PolicyVersionSummary[]>(
      'GET',
      `/v1/policies/${encodeURIComponent(name)}/history`,
    );
  }

  async validatePolicy(name: string, source: string) {
    const result = await this.send<PolicyValidationResult>(
      'POST',
      `/v1/policies/${encodeURIComponent(name)}/validate`,
      { source },
    );
    return result.errors;
  }

  savePolicy(name: string, change: { source: string; comment?: string }) {
    return this.send<PolicyDocument>(
      'PUT',
      `/v1/policies/${encodeURIComponent(name)}`,
      change,
    );
  }

  restorePolicy(name: string, version: number) {
    return this.send<PolicyDocument>(
      'POST',
      `/v1/policies/${encodeURIComponent(name)}/restore`,
      { version },
    );
  }

  evaluatePolicy(request: PolicyEvaluationRequest) {
    return this.send<PolicyDecision>('POST', '/v1/policies/evaluate', request);
  }

  listProviders() {
    return this.send<ProviderStatus[]>('GET', '/v1/providers');
  }

  listQuotas() {
    return this.send<QuotaUsage[]>('GET', '/v1/quotas');
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
      if (res.status === 400) {
        // Invalid policies and rules come back with their errors listed.
        const details = await res
          .clone()
          .json()
          .catch(() => undefined);
        if (hasValidationErrors(details) && details.errors.length > 0) {
          throw new GatewayValidationError(details.errors);
        }
      }
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as T;
  }
}
