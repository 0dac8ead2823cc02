import { getCompoundEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { AgentEntity, isAgentEntity } from '@pilothouse/plugin-agentops-common';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { agentsApiRef } from '../../api';
import { describeError } from '../../describeError';
import { mcpServerRefOf } from '../../tools';
import { IsolationStatusChip } from '../StatusChips';

const approvalWords = {
  none: 'none: destructive calls run without asking',
  confirm: 'the requester confirms each destructive call',
  approval: 'a second person approves each destructive call',
};

function Field(props: { label: string; children: ReactNode }) {
  return (
    <TableRow>
      <TableCell component="th" scope="row" sx={{ width: '30%' }}>
        <Typography variant="body2" fontWeight="bold">
          {props.label}
        </Typography>
      </TableCell>
      <TableCell>{props.children}</TableCell>
    </TableRow>
  );
}

function IsolationLine(props: { agent: AgentEntity }) {
  const agentsApi = useApi(agentsApiRef);
  const report = useAsync(
    () => agentsApi.getIsolation(getCompoundEntityRef(props.agent)),
    [agentsApi, props.agent],
  );
  if (report.loading) return <>checking…</>;
  if (report.error)
    return <>could not be checked: {describeError(report.error)}</>;
  const { status, differences } = report.value!;
  return (
    <Stack direction="row" spacing={1} alignItems="center">
      <IsolationStatusChip status={status} />
      {differences.length > 0 && (
        <Typography variant="body2">
          {differences.length === 1
            ? '1 difference'
            : `${differences.length} differences`}{' '}
          (Isolation tab)
        </Typography>
      )}
    </Stack>
  );
}

/** What an agent is: its model, owner, data class, approvals and MCP servers. */
export function AgentOverviewCard() {
  const { entity } = useEntity();
  if (!isAgentEntity(entity)) return null;
  const { spec } = entity;
  return (
    <InfoCard title="Agent">
      <Table size="small" aria-label="Agent">
        <TableBody>
          <Field label="Model">
            {spec.model.name} ({spec.model.provider})
          </Field>
          <Field label="Owner">
            <EntityRefLink entityRef={spec.owner} defaultKind="group" />
          </Field>
          <Field label="Data classification">
            <Chip size="small" label={spec.dataClassification} />
          </Field>
          <Field label="Namespace">{spec.namespace}</Field>
          <Field label="Destructive tools">
            {spec.allowDestructiveTools ? 'may call them' : 'never'}
          </Field>
          <Field label="Approvals">
            {approvalWords[spec.approvals.mode] ?? spec.approvals.mode}
            {spec.approvals.approverGroups?.length ? (
              <>
                {' '}
                (
                {spec.approvals.approverGroups.map((group, index) => (
                  <span key={group}>
                    {index > 0 && ', '}
                    <EntityRefLink entityRef={group} defaultKind="group" />
                  </span>
                ))}
                )
              </>
            ) : null}
          </Field>
          <Field label="MCP servers">
            <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap">
              {spec.mcpServers.map(use => (
                <EntityRefLink
                  key={use.server}
                  entityRef={mcpServerRefOf(entity, use.server)}
                />
              ))}
            </Stack>
          </Field>
          <Field label="Isolation">
            <IsolationLine agent={entity} />
          </Field>
          {spec.systemMessage && (
            <Field label="Instructions">{spec.systemMessage}</Field>
          )}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
