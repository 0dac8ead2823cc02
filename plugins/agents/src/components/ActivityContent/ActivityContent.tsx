import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Alert from '@mui/material/Alert';
import Chip, { ChipProps } from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import {
  AuditRecord,
  llmGatewayAuditPermission,
} from '@pilothouse/plugin-llm-gateway-common';
import useAsync from 'react-use/esm/useAsync';
import { agentsApiRef } from '../../api';

const RECENT = 25;

const decisionLooks: Record<
  AuditRecord['decision'],
  { label: string; color: ChipProps['color'] }
> = {
  allow: { label: 'Allowed', color: 'success' },
  deny: { label: 'Denied', color: 'error' },
  ask: { label: 'Needs approval', color: 'warning' },
  block: { label: 'Blocked', color: 'error' },
  error: { label: 'Error', color: 'default' },
};

const kindWords: Record<AuditRecord['kind'], string> = {
  model: 'model call',
  tool: 'tool call',
  inspect: 'inspection',
  'policy-change': 'policy change',
  approval: 'approval',
};

/** The gateway's newest audit records about this entity: calls, decisions, approvals. */
export function ActivityContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const agentsApi = useApi(agentsApiRef);
  const auditAll = usePermission({ permission: llmGatewayAuditPermission });
  const page = useAsync(
    () => agentsApi.recentActivity(entityRef, RECENT),
    [agentsApi, entityRef],
  );

  if (page.loading) return <Progress />;
  if (page.error) {
    return (
      <ResponseErrorPanel
        title="The gateway's audit log could not be read"
        error={page.error}
      />
    );
  }
  const records = page.value!.records;
  return (
    <InfoCard
      title="Recent activity"
      subheader={`The newest ${RECENT} records of the LLM gateway's audit log about ${entityRef}`}
    >
      <Stack spacing={2}>
        {!auditAll.loading && !auditAll.allowed && (
          <Alert severity="info">
            You see only your own records: seeing everyone's needs the
            llm-gateway.audit.read permission.
          </Alert>
        )}
        {records.length === 0 ? (
          <Alert severity="info">
            The gateway has recorded nothing about this agent yet
            {auditAll.allowed ? '' : ' that you may see'}.
          </Alert>
        ) : (
          <Table size="small" aria-label="Recent activity">
            <TableHead>
              <TableRow>
                <TableCell>When</TableCell>
                <TableCell>Who</TableCell>
                <TableCell>What</TableCell>
                <TableCell>Decision</TableCell>
                <TableCell>Why</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {records.map(record => {
                const look = decisionLooks[record.decision] ?? {
                  label: record.decision,
                  color: 'default',
                };
                return (
                  <TableRow key={record.id}>
                    <TableCell>
                      {new Date(record.time).toLocaleString()}
                    </TableCell>
                    <TableCell>
                      <EntityRefLink
                        entityRef={record.actor}
                        defaultKind="user"
                      />
                    </TableCell>
                    <TableCell>
                      {kindWords[record.kind] ?? record.kind}:{' '}
                      <code>{record.target}</code>
                    </TableCell>
                    <TableCell>
                      <Chip
                        size="small"
                        label={look.label}
                        color={look.color}
                      />
                    </TableCell>
                    <TableCell>{record.reason ?? record.rule ?? ''}</TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </Stack>
    </InfoCard>
  );
}
