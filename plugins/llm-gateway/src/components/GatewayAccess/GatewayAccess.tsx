import { createContext, ReactNode, useContext } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Alert from '@mui/material/Alert';
import {
  llmGatewayAdminPermission,
  llmGatewayAuditPermission,
  llmGatewayReadPermission,
} from '@pilothouse/plugin-llm-gateway-common';

/** What the signed-in person may do on the gateway page. */
export interface GatewayAccess {
  /** Change detectors, rules, policies; restore versions; inspect as someone else. */
  canEdit: boolean;
  /** Read every user's audit records, not only their own. */
  canReadAllAudit: boolean;
}

const GatewayAccessContext = createContext<GatewayAccess | undefined>(
  undefined,
);

export function useGatewayAccess(): GatewayAccess {
  const access = useContext(GatewayAccessContext);
  if (!access) {
    throw new Error('useGatewayAccess must be used inside GatewayAccessGate');
  }
  return access;
}

/**
 * Shows its children only to people who may read the gateway's settings,
 * and tells them whether they may change them.
 */
export function GatewayAccessGate(props: { children: ReactNode }) {
  const read = usePermission({ permission: llmGatewayReadPermission });
  const admin = usePermission({ permission: llmGatewayAdminPermission });
  const audit = usePermission({ permission: llmGatewayAuditPermission });

  if (read.loading || admin.loading || audit.loading) {
    return <Progress />;
  }
  if (read.error) {
    return (
      <ResponseErrorPanel
        title="Could not check your access to the AI Gateway"
        error={read.error}
      />
    );
  }
  if (!read.allowed) {
    return (
      <EmptyState
        missing="info"
        title="You don't have access to the AI Gateway settings"
        description="The gateway's detectors, policies, quotas and audit log are shown to people with the llm-gateway.read permission. Ask a platform admin if you need it."
      />
    );
  }
  return (
    <GatewayAccessContext.Provider
      value={{ canEdit: admin.allowed, canReadAllAudit: audit.allowed }}
    >
      {props.children}
    </GatewayAccessContext.Provider>
  );
}

/** Shown above controls that only platform admins may use. */
export function ReadOnlyNote() {
  const { canEdit } = useGatewayAccess();
  if (canEdit) return null;
  return (
    <Alert severity="info" sx={{ mb: 2 }}>
      Only platform admins can change gateway settings.
    </Alert>
  );
}
