import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityRefreshPermission,
  catalogEntityReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  llmGatewayAdminPermission,
  llmGatewayAuditPermission,
} from '@pilothouse/plugin-llm-gateway-common';
import {
  logSearchDetectionsUpdatePermission,
  logSearchEventsCreatePermission,
  logSearchEventsReadPermission,
} from '@pilothouse/plugin-log-search-common';

/** Default administrator group; override with `permission.pilothouse.adminGroups`. */
export const DEFAULT_ADMIN_GROUPS = ['group:default/platform-admins'];

/**
 * Who acknowledges and resolves security detections besides administrators;
 * override with `permission.pilothouse.detectionResponderGroups`.
 */
export const DEFAULT_DETECTION_RESPONDER_GROUPS = [
  'group:default/security-team',
  'group:default/sre',
];

/**
 * Pilothouse's portal policy: administrators may do anything; everyone else
 * reads, refreshes what they own, and runs software templates. Anything that
 * changes the catalog's shape (register, delete, create) is for administrators.
 * The LLM gateway's settings are readable by everyone signed in; changing
 * them and reading everyone's audit records are for administrators (each
 * user still sees their own audit records). Everyone signed in searches the
 * logs; log shippers send them with a static token, and as a user only
 * administrators may.
 */
export class PilothousePermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly adminGroups: string[],
    private readonly detectionResponderGroups: string[] = DEFAULT_DETECTION_RESPONDER_GROUPS,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const ownership = user?.info.ownershipEntityRefs ?? [];
    if (ownership.some(ref => this.adminGroups.includes(ref))) {
      return { result: AuthorizeResult.ALLOW };
    }

    const { permission } = request;
    if (
      isPermission(permission, llmGatewayAdminPermission) ||
      isPermission(permission, llmGatewayAuditPermission)
    ) {
      return { result: AuthorizeResult.DENY };
    }
    if (isPermission(permission, logSearchDetectionsUpdatePermission)) {
      // Security detections are read by everyone signed in (the default for
      // reads below); acknowledging and resolving is for the responders.
      return {
        result: ownership.some(ref =>
          this.detectionResponderGroups.includes(ref),
        )
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      };
    }
    if (isPermission(permission, logSearchEventsCreatePermission)) {
      return { result: AuthorizeResult.DENY };
    }
    if (
      isPermission(permission, catalogEntityReadPermission) ||
      isPermission(permission, logSearchEventsReadPermission)
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      isPermission(permission, catalogEntityRefreshPermission) &&
      isResourcePermission(permission, 'catalog-entity')
    ) {
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims: ownership }),
      );
    }
    if (permission.name.startsWith('scaffolder.')) {
      // Everyone may use the Create page; templates gate their own steps.
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      permission.attributes.action === 'read' ||
      !permission.attributes.action
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    return { result: AuthorizeResult.DENY };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'pilothouse-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        const adminGroups =
          config.getOptionalStringArray('permission.pilothouse.adminGroups') ??
          DEFAULT_ADMIN_GROUPS;
        const responders =
          config.getOptionalStringArray(
            'permission.pilothouse.detectionResponderGroups',
          ) ?? DEFAULT_DETECTION_RESPONDER_GROUPS;
        policy.setPolicy(
          new PilothousePermissionPolicy(adminGroups, responders),
        );
      },
    });
  },
});
