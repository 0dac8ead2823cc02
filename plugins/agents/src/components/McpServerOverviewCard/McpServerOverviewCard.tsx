import { InfoCard } from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import {
  isMcpServerEntity,
  RELATION_MCP_SERVER_USED_BY,
} from '@pilothouse/plugin-agentops-common';
import { ReactNode } from 'react';
import { isDestructiveTool, liveToolsOf } from '../../tools';
import { ToolSyncChip } from '../StatusChips';

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

/** What an MCP server is: how it is reached, where it acts, its tools and users. */
export function McpServerOverviewCard() {
  const { entity } = useEntity();
  if (!isMcpServerEntity(entity)) return null;
  const { spec } = entity;
  const tools = spec.tools ?? [];
  const destructive = tools.filter(isDestructiveTool).length;
  const live = liveToolsOf(entity);
  const usedBy = (entity.relations ?? []).filter(
    r => r.type === RELATION_MCP_SERVER_USED_BY,
  );
  const scope = spec.scope;
  return (
    <InfoCard title="MCP server">
      <Table size="small" aria-label="MCP server">
        <TableBody>
          <Field label="Owner">
            <EntityRefLink entityRef={spec.owner} defaultKind="group" />
          </Field>
          <Field label="Transport">{spec.transport}</Field>
          <Field label={spec.url ? 'URL' : 'Command'}>
            <code>{spec.url ?? spec.command?.join(' ') ?? '—'}</code>
          </Field>
          <Field label="Acts on">
            {!scope && 'not scoped'}
            {scope?.type === 'namespaces' &&
              `namespaces ${scope.namespaces?.join(', ') ?? ''}`}
            {scope?.type === 'cluster' && 'the whole cluster'}
            {scope?.type === 'account' && 'a cloud account'}
          </Field>
          <Field label="Declared tools">
            {tools.length} ({destructive} destructive)
          </Field>
          <Field label="Live tools">
            <Stack direction="row" spacing={1} alignItems="center">
              <ToolSyncChip sync={live.sync} />
              {live.live && (
                <Typography variant="body2">
                  {live.live.length} listed by the running server
                </Typography>
              )}
              {live.reason && (
                <Typography variant="body2">{live.reason}</Typography>
              )}
            </Stack>
          </Field>
          <Field label="Used by">
            {usedBy.length === 0 ? (
              'no agent'
            ) : (
              <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap">
                {usedBy.map(relation => (
                  <EntityRefLink
                    key={relation.targetRef}
                    entityRef={relation.targetRef}
                  />
                ))}
              </Stack>
            )}
          </Field>
        </TableBody>
      </Table>
    </InfoCard>
  );
}
