import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import {
  isMcpServerEntity,
  McpToolSpec,
} from '@pilothouse/plugin-agentops-common';
import { LiveToolsState, liveToolsOf } from '../../tools';
import { ToolSyncChip } from '../StatusChips';
import { PermissionList, ToolHintChips } from '../ToolDetails';

function LiveChip(props: { name: string; live: LiveToolsState }) {
  const { name, live } = props;
  if (!live.live) return <Chip size="small" label="not checked" />;
  if (live.drift?.missing.includes(name) || !live.live.includes(name)) {
    return <Chip size="small" color="error" label="missing from the server" />;
  }
  const changed = live.drift?.changed.find(c => c.name === name);
  if (changed) {
    return (
      <Chip
        size="small"
        color="warning"
        label={`live, differs: ${changed.fields.join(', ')}`}
      />
    );
  }
  return <Chip size="small" color="success" label="live" />;
}

function DeclaredRow(props: { tool: McpToolSpec; live: LiveToolsState }) {
  const { tool, live } = props;
  return (
    <TableRow>
      <TableCell>
        <Typography variant="body2" fontWeight="bold">
          {tool.name}
        </Typography>
        {tool.description && (
          <Typography variant="body2" color="text.secondary">
            {tool.description}
          </Typography>
        )}
      </TableCell>
      <TableCell>
        <ToolHintChips tool={tool} />
      </TableCell>
      <TableCell>
        <PermissionList permissions={tool.permissions} />
      </TableCell>
      <TableCell>
        <LiveChip name={tool.name} live={live} />
      </TableCell>
    </TableRow>
  );
}

/**
 * An MCP server's declared tools beside the ones the running server lists:
 * missing, undeclared and changed tools are drift.
 */
export function McpServerToolsContent() {
  const { entity } = useEntity();
  if (!isMcpServerEntity(entity)) return null;
  const declared = entity.spec.tools ?? [];
  const live = liveToolsOf(entity);
  const declaredNames = new Set(declared.map(t => t.name));
  const undeclared =
    live.drift?.undeclared ??
    (live.live ?? []).filter(name => !declaredNames.has(name));

  return (
    <Stack spacing={2}>
      <InfoCard title="Live tools">
        <Stack spacing={1}>
          <Stack direction="row" spacing={1} alignItems="center">
            <ToolSyncChip sync={live.sync} />
            <Typography>
              {live.live
                ? `The running server lists ${live.live.length} tools; the entity declares ${declared.length}.`
                : `The entity declares ${declared.length} tools.`}
            </Typography>
          </Stack>
          {live.sync === 'unreachable' && (
            <Alert severity="warning">
              The portal could not list the server's tools
              {live.reason ? `: ${live.reason}` : '.'}
            </Alert>
          )}
          {!live.sync && (
            <Alert severity="info">
              The portal has not compared this server's live tools with its
              declaration (the entity needs a spec.serverId naming a server the
              portal runs).
            </Alert>
          )}
          {live.live && (
            <Stack direction="row" spacing={0.5} useFlexGap flexWrap="wrap">
              {live.live.map(name => (
                <Chip
                  key={name}
                  size="small"
                  variant="outlined"
                  label={name}
                  aria-label={`live tool ${name}`}
                />
              ))}
            </Stack>
          )}
        </Stack>
      </InfoCard>
      <InfoCard title="Tools">
        <Table size="small" aria-label="Declared and live tools">
          <TableHead>
            <TableRow>
              <TableCell>Tool</TableCell>
              <TableCell>Hints</TableCell>
              <TableCell>Required permissions</TableCell>
              <TableCell>Running server</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {declared.map(tool => (
              <DeclaredRow key={tool.name} tool={tool} live={live} />
            ))}
            {undeclared.map(name => (
              <TableRow key={`undeclared-${name}`}>
                <TableCell>
                  <Typography variant="body2" fontWeight="bold">
                    {name}
                  </Typography>
                </TableCell>
                <TableCell colSpan={2}>
                  <Typography variant="body2" color="text.secondary">
                    Not declared in the entity: its hints and permissions are
                    unreviewed.
                  </Typography>
                </TableCell>
                <TableCell>
                  <Chip size="small" color="error" label="undeclared" />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </InfoCard>
    </Stack>
  );
}
