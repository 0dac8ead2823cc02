import type { Entity } from '@backstage/catalog-model';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { llmGatewayReadPermission } from '@pilothouse/plugin-llm-gateway-common';
import { SWRConfig } from 'swr';
import { LlmGatewayApi, llmGatewayApiRef } from '../api';

/** A gateway whose every call fails loudly unless the test gives an answer. */
export function fakeGatewayApi(
  answers: Partial<LlmGatewayApi> = {},
): jest.Mocked<LlmGatewayApi> {
  const unexpected = (name: string) =>
    jest.fn(async () => {
      throw new Error(`the test did not expect a call to ${name}`);
    });
  const methods: (keyof LlmGatewayApi)[] = [
    'inspect',
    'listDetectors',
    'updateDetector',
    'listRules',
    'replaceRules',
    'listPolicies',
    'getPolicy',
    'getPolicyHistory',
    'validatePolicy',
    'savePolicy',
    'restorePolicy',
    'evaluatePolicy',
    'listProviders',
    'listQuotas',
    'queryAudit',
    'verifyAudit',
    'lastAuditVerification',
  ];
  return Object.fromEntries(
    methods.map(name => [
      name,
      answers[name] ? jest.fn(answers[name] as any) : unexpected(name),
    ]),
  ) as unknown as jest.Mocked<LlmGatewayApi>;
}

const catalogEntities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'alice', namespace: 'default' },
    spec: { profile: { displayName: 'Alice Moreau' }, memberOf: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'carol', namespace: 'default' },
    spec: { profile: { displayName: 'Carol Lindqvist' }, memberOf: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      title: 'Payments Service',
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments-team' },
  },
];

/**
 * Renders a tab of the gateway page in a test app, as a platform admin
 * (`role: 'admin'`), someone who may only read, or someone with no access.
 */
export function renderGatewayTab(
  element: JSX.Element,
  options: {
    api: LlmGatewayApi;
    role?: 'admin' | 'reader' | 'outsider';
    /** The page's URL, e.g. with query parameters. */
    url?: string;
  },
) {
  const role = options.role ?? 'admin';
  const permissionApi = mockApis.permission({
    authorize: request => {
      if (role === 'admin') return AuthorizeResult.ALLOW;
      if (
        role === 'reader' &&
        request.permission.name === llmGatewayReadPermission.name
      ) {
        return AuthorizeResult.ALLOW;
      }
      return AuthorizeResult.DENY;
    },
  });
  return renderInTestApp(
    // usePermission keeps answers in SWR's cache, which would otherwise carry
    // one test's role into the next.
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider
        apis={[
          [llmGatewayApiRef, options.api],
          [permissionApiRef, permissionApi],
          [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
          mockApis.identity({
            userEntityRef:
              role === 'admin' ? 'user:default/carol' : 'user:default/alice',
          }),
        ]}
      >
        {element}
      </TestApiProvider>
    </SWRConfig>,
    options.url ? { initialRouteEntries: [options.url] } : undefined,
  );
}
