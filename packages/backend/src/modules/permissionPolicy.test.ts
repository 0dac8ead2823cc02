import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  llmGatewayAdminPermission,
  llmGatewayAuditPermission,
  llmGatewayReadPermission,
} from '@pilothouse/plugin-llm-gateway-common';
import {
  logSearchDetectionsReadPermission,
  logSearchDetectionsUpdatePermission,
  logSearchEventsCreatePermission,
  logSearchEventsReadPermission,
} from '@pilothouse/plugin-log-search-common';
import {
  DEFAULT_ADMIN_GROUPS,
  PilothousePermissionPolicy,
} from './permissionPolicy';

function user(ref: string, groups: string[]): PolicyQueryUser {
  return {
    credentials: mockCredentials.user(ref),
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
  };
}

describe('PilothousePermissionPolicy for the LLM gateway', () => {
  const policy = new PilothousePermissionPolicy(DEFAULT_ADMIN_GROUPS);
  const carol = user('user:default/carol', ['group:default/platform-admins']);
  const alice = user('user:default/alice', ['group:default/payments-team']);

  it.each`
    who        | person   | permission                   | result
    ${'carol'} | ${carol} | ${llmGatewayReadPermission}  | ${AuthorizeResult.ALLOW}
    ${'carol'} | ${carol} | ${llmGatewayAdminPermission} | ${AuthorizeResult.ALLOW}
    ${'carol'} | ${carol} | ${llmGatewayAuditPermission} | ${AuthorizeResult.ALLOW}
    ${'alice'} | ${alice} | ${llmGatewayReadPermission}  | ${AuthorizeResult.ALLOW}
    ${'alice'} | ${alice} | ${llmGatewayAdminPermission} | ${AuthorizeResult.DENY}
    ${'alice'} | ${alice} | ${llmGatewayAuditPermission} | ${AuthorizeResult.DENY}
  `(
    '$who: $permission.name is $result',
    async ({ person, permission, result }) => {
      expect(await policy.handle({ permission }, person)).toEqual({ result });
    },
  );
});

describe('PilothousePermissionPolicy for log search', () => {
  const policy = new PilothousePermissionPolicy(DEFAULT_ADMIN_GROUPS);
  const carol = user('user:default/carol', ['group:default/platform-admins']);
  const alice = user('user:default/alice', ['group:default/payments-team']);

  it.each`
    who        | person   | permission                         | result
    ${'alice'} | ${alice} | ${logSearchEventsReadPermission}   | ${AuthorizeResult.ALLOW}
    ${'alice'} | ${alice} | ${logSearchEventsCreatePermission} | ${AuthorizeResult.DENY}
    ${'carol'} | ${carol} | ${logSearchEventsCreatePermission} | ${AuthorizeResult.ALLOW}
  `(
    '$who: $permission.name is $result',
    async ({ person, permission, result }) => {
      expect(await policy.handle({ permission }, person)).toEqual({ result });
    },
  );
});

describe('PilothousePermissionPolicy for log search detections', () => {
  const policy = new PilothousePermissionPolicy(DEFAULT_ADMIN_GROUPS);
  const carol = user('user:default/carol', ['group:default/platform-admins']);
  const kwame = user('user:default/kwame', ['group:default/security-team']);
  const bob = user('user:default/bob', ['group:default/sre']);
  const alice = user('user:default/alice', ['group:default/payments-team']);

  it.each`
    who        | person   | permission                             | result
    ${'alice'} | ${alice} | ${logSearchDetectionsReadPermission}   | ${AuthorizeResult.ALLOW}
    ${'alice'} | ${alice} | ${logSearchDetectionsUpdatePermission} | ${AuthorizeResult.DENY}
    ${'kwame'} | ${kwame} | ${logSearchDetectionsUpdatePermission} | ${AuthorizeResult.ALLOW}
    ${'bob'}   | ${bob}   | ${logSearchDetectionsUpdatePermission} | ${AuthorizeResult.ALLOW}
    ${'carol'} | ${carol} | ${logSearchDetectionsUpdatePermission} | ${AuthorizeResult.ALLOW}
  `(
    '$who: $permission.name is $result',
    async ({ person, permission, result }) => {
      expect(await policy.handle({ permission }, person)).toEqual({ result });
    },
  );
});
