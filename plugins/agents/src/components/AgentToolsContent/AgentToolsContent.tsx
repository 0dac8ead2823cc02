import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { AgentEntity, isAgentEntity } from '@pilothouse/plugin-agentops-common';
import { useAgentTools } from '../../hooks/useAgentTools';
import { AgentServerTools, AgentTool, callableTools } from '../../tools';
import { PermissionList, ToolHintChips } from '../ToolDetails';

function AccessChip(props: { tool: AgentTool }) {
  switch (props.tool.access) {
    case 'allowed':
      return <Chip size="small" color="success" label="may call" />;
    case 'destructive-not-allowed':
      return (
        <Chip
          size="small"
          label="not callable: destructive tools are not allowed"
        />
      );
    default:
      return (
        <Chip size="small" color="error" label="not declared by the server" />
      );
  }
}

function ServerTools(props: { use: AgentServerTools }) {
  const { use } = props;
  return (
    <InfoCard
      title={<EntityRefLink entityRef={use.serverRef} />}
      subheader={
        use.allTools
          ? `All ${use.tools.length} tools of the server`
          : `${use.tools.length} of the server's tools`
      }
    >
      {!use.server && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          {use.serverRef} is not in the catalog, so its tools and their
          permissions are unknown.
        </Alert>
      )}
      {use.tools.length > 0 && (
        <Table size="small" aria-label={`Tools of ${use.serverRef}`}>
          <TableHead>
            <TableRow>
              <TableCell>Tool</TableCell>
              <TableCell>Hints</TableCell>
              <TableCell>Required permissions</TableCell>
              <TableCell>This agent</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {use.tools.map(tool => (
              <TableRow key={tool.name}>
                <TableCell>
                  <Typography variant="body2" fontWeight="bold">
                    {tool.name}
                  </Typography>
                  {tool.spec?.description && (
                    <Typography variant="body2" color="text.secondary">
                      {tool.spec.description}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  {tool.spec && <ToolHintChips tool={tool.spec} />}
                </TableCell>
                <TableCell>
                  <PermissionList permissions={tool.spec?.permissions} />
                </TableCell>
                <TableCell>
                  <AccessChip tool={tool} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

function AgentTools(props: { agent: AgentEntity }) {
  const uses = useAgentTools(props.agent);
  if (uses.loading) return <Progress />;
  if (uses.error) return <ResponseErrorPanel error={uses.error} />;
  const servers = uses.value!;
  if (servers.length === 0) {
    return (
      <Alert severity="info">
        This agent uses no MCP servers: it can call no tools.
      </Alert>
    );
  }
  const callable = callableTools(servers);
  return (
    <Stack spacing={2}>
      <Typography>
        {props.agent.metadata.title ?? props.agent.metadata.name} may call{' '}
        {callable.length} {callable.length === 1 ? 'tool' : 'tools'} on{' '}
        {servers.length} MCP {servers.length === 1 ? 'server' : 'servers'};
        destructive tools:{' '}
        {props.agent.spec.allowDestructiveTools ? 'allowed' : 'not allowed'}.
      </Typography>
      {servers.map(use => (
        <ServerTools key={use.serverRef} use={use} />
      ))}
    </Stack>
  );
}

/** The tools an agent uses through its MCP servers, with hints and permissions. */
export function AgentToolsContent() {
  const { entity } = useEntity();
  if (!isAgentEntity(entity)) return null;
  return <AgentTools agent={entity} />;
}
