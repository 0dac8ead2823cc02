import { createPermission } from '@backstage/plugin-permission-common';

/** See the gateway's configuration, policies, quotas and audit log (read only). */
export const llmGatewayReadPermission = createPermission({
  name: 'llm-gateway.read',
  attributes: { action: 'read' },
});

/** Change detectors, DLP rules, policies, routes and quotas; restore versions. */
export const llmGatewayAdminPermission = createPermission({
  name: 'llm-gateway.admin',
  attributes: { action: 'update' },
});

/** Read the audit log of every user (each user may always read their own). */
export const llmGatewayAuditPermission = createPermission({
  name: 'llm-gateway.audit.read',
  attributes: { action: 'read' },
});

export const llmGatewayPermissions = [
  llmGatewayReadPermission,
  llmGatewayAdminPermission,
  llmGatewayAuditPermission,
];
