import { useMemo } from 'react';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  Content,
  ContentHeader,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import {
  AgentIsolationReport,
  isAgentEntity,
  isMcpServerEntity,
  IsolationStatus,
  McpServerEntity,
} from '@pilothouse/plugin-agentops-common';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { agentsApiRef } from '../../api';
import { describeError } from '../../describeError';
import { agentTools, callableTools, isDestructiveTool } from '../../tools';
import {
  IsolationStatusChip,
  isolationLabel,
  ISOLATION_STATUSES,
} from '../StatusChips';

type Kind = 'Agent' | 'MCPServer';

interface Row {
  entity: Entity;
  ref: string;
  kind: Kind;
  owner: string;
  /** `provider/name` for agents. */
  model?: string;
  /** The agent's namespace, or where an MCP server acts. */
  namespace: string;
  toolCount: number;
  destructive: boolean;
}

interface Filters {
  kind: '' | 'agent' | 'mcpserver';
  owner: string;
  isolation: '' | IsolationStatus;
  destructive: '' | 'yes' | 'no';
}

/** Read from and written to the URL's query, so a filtered view can be shared. */
function filtersOf(params: URLSearchParams): Filters {
  const kind = params.get('kind') ?? '';
  const isolation = params.get('isolation') ?? '';
  const destructive = params.get('destructive') ?? '';
  return {
    kind: kind === 'agent' || kind === 'mcpserver' ? kind : '',
    owner: params.get('owner') ?? '',
    isolation: (ISOLATION_STATUSES as string[]).includes(isolation)
      ? (isolation as IsolationStatus)
      : '',
    destructive:
      destructive === 'yes' || destructive === 'no' ? destructive : '',
  };
}

function ownerRefOf(entity: Entity) {
  const owner = (entity.spec as { owner?: string } | undefined)?.owner;
  if (!owner) return '';
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return owner;
  }
}

function scopeOf(server: McpServerEntity) {
  const scope = server.spec.scope;
  if (!scope) return 'not scoped';
  if (scope.type === 'namespaces') {
    return scope.namespaces?.join(', ') || 'no namespaces';
  }
  return scope.type;
}

function rowsOf(entities: Entity[]): Row[] {
  const servers = new Map<string, McpServerEntity>();
  for (const entity of entities) {
    if (isMcpServerEntity(entity)) {
      servers.set(stringifyEntityRef(entity), entity);
    }
  }
  const rows: Row[] = [];
  for (const entity of entities) {
    const ref = stringifyEntityRef(entity);
    if (isAgentEntity(entity)) {
      const tools = callableTools(agentTools(entity, servers));
      rows.push({
        entity,
        ref,
        kind: 'Agent',
        owner: ownerRefOf(entity),
        model: `${entity.spec.model.provider}/${entity.spec.model.name}`,
        namespace: entity.spec.namespace,
        toolCount: tools.length,
        destructive: tools.some(t => t.spec && isDestructiveTool(t.spec)),
      });
    } else if (isMcpServerEntity(entity)) {
      const tools = entity.spec.tools ?? [];
      rows.push({
        entity,
        ref,
        kind: 'MCPServer',
        owner: ownerRefOf(entity),
        namespace: scopeOf(entity),
        toolCount: tools.length,
        destructive: tools.some(isDestructiveTool),
      });
    }
  }
  return rows.sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.ref.localeCompare(b.ref),
  );
}

function FilterSelect(props: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  return (
    <TextField
      select
      size="small"
      label={props.label}
      value={props.value}
      onChange={event => props.onChange(event.target.value)}
      sx={{ minWidth: 180 }}
    >
      <MenuItem value="">Any</MenuItem>
      {props.options.map(option => (
        <MenuItem key={option.value} value={option.value}>
          {option.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

function IsolationCell(props: {
  row: Row;
  isolation: Map<string, AgentIsolationReport> | undefined;
  loading: boolean;
}) {
  if (props.row.kind !== 'Agent') return <>—</>;
  if (props.loading) {
    return (
      <Typography variant="body2" color="text.secondary">
        checking…
      </Typography>
    );
  }
  const report = props.isolation?.get(props.row.ref);
  if (!report) {
    return (
      <Typography variant="body2" color="text.secondary">
        unknown
      </Typography>
    );
  }
  return <IsolationStatusChip status={report.status} />;
}

/**
 * Every AI agent and MCP server in the catalog, with who owns it, what it
 * can do and whether its agent's isolation in the cluster is as rendered.
 */
export function AgentsPage() {
  const catalogApi = useApi(catalogApiRef);
  const agentsApi = useApi(agentsApiRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = filtersOf(searchParams);

  const entities = useAsync(
    async () =>
      (
        await catalogApi.getEntities({
          filter: { kind: ['Agent', 'MCPServer'] },
        })
      ).items,
    [catalogApi],
  );
  const isolation = useAsync(async () => {
    const agents = await agentsApi.listAgents();
    return new Map(agents.map(agent => [agent.entityRef, agent.isolation]));
  }, [agentsApi]);

  const rows = useMemo(() => rowsOf(entities.value ?? []), [entities.value]);
  const owners = useMemo(
    () => [...new Set(rows.map(r => r.owner).filter(Boolean))].sort(),
    [rows],
  );
  const shown = rows.filter(row => {
    if (filters.kind && row.kind.toLocaleLowerCase('en-US') !== filters.kind) {
      return false;
    }
    if (filters.owner && row.owner !== filters.owner) return false;
    if (
      filters.destructive &&
      row.destructive !== (filters.destructive === 'yes')
    ) {
      return false;
    }
    if (filters.isolation) {
      const status = isolation.value?.get(row.ref)?.status;
      if (status !== filters.isolation) return false;
    }
    return true;
  });

  const setFilter = (key: keyof Filters, value: string) => {
    const next = new URLSearchParams(searchParams);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearchParams(next, { replace: true });
  };

  let body: JSX.Element;
  if (entities.loading) {
    body = <Progress />;
  } else if (entities.error) {
    body = <ResponseErrorPanel error={entities.error} />;
  } else if (rows.length === 0) {
    body = (
      <Alert severity="info">
        There are no agents or MCP servers in the catalog yet. Describe them as
        entities of kind Agent and MCPServer (see catalog/agents.yaml) and
        register the file.
      </Alert>
    );
  } else {
    body = (
      <TableContainer component={Paper}>
        <Table size="small" aria-label="Agents and MCP servers">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Kind</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell>Model</TableCell>
              <TableCell>Namespace</TableCell>
              <TableCell align="right">Tools</TableCell>
              <TableCell>Destructive-capable</TableCell>
              <TableCell>Isolation</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {shown.length === 0 && (
              <TableRow>
                <TableCell colSpan={8}>
                  Nothing matches these filters.{' '}
                  <Button size="small" onClick={() => setSearchParams({})}>
                    Clear filters
                  </Button>
                </TableCell>
              </TableRow>
            )}
            {shown.map(row => (
              <TableRow key={row.ref} hover>
                <TableCell>
                  <EntityRefLink
                    entityRef={row.entity}
                    title={
                      row.entity.metadata.title ?? row.entity.metadata.name
                    }
                  />
                </TableCell>
                <TableCell>
                  {row.kind === 'Agent' ? 'Agent' : 'MCP server'}
                </TableCell>
                <TableCell>
                  {row.owner ? (
                    <EntityRefLink entityRef={row.owner} defaultKind="group" />
                  ) : (
                    '—'
                  )}
                </TableCell>
                <TableCell>{row.model ?? '—'}</TableCell>
                <TableCell>{row.namespace}</TableCell>
                <TableCell align="right">{row.toolCount}</TableCell>
                <TableCell>{row.destructive ? 'yes' : 'no'}</TableCell>
                <TableCell>
                  <IsolationCell
                    row={row}
                    isolation={isolation.value}
                    loading={isolation.loading}
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    );
  }

  return (
    <Content>
      <ContentHeader
        title="Agents and MCP servers"
        description="AI agents, the MCP servers they call tools on, and whether each agent runs isolated as its entity says."
      />
      <Stack spacing={2}>
        <Stack
          direction="row"
          spacing={2}
          useFlexGap
          flexWrap="wrap"
          role="group"
          aria-label="Filters"
        >
          <FilterSelect
            label="Kind"
            value={filters.kind}
            options={[
              { value: 'agent', label: 'Agent' },
              { value: 'mcpserver', label: 'MCP server' },
            ]}
            onChange={value => setFilter('kind', value)}
          />
          <FilterSelect
            label="Owner"
            value={owners.includes(filters.owner) ? filters.owner : ''}
            options={owners.map(owner => ({
              value: owner,
              label: parseEntityRef(owner).name,
            }))}
            onChange={value => setFilter('owner', value)}
          />
          <FilterSelect
            label="Isolation"
            value={filters.isolation}
            options={ISOLATION_STATUSES.map(status => ({
              value: status,
              label: isolationLabel(status),
            }))}
            onChange={value => setFilter('isolation', value)}
          />
          <FilterSelect
            label="Destructive-capable"
            value={filters.destructive}
            options={[
              { value: 'yes', label: 'yes' },
              { value: 'no', label: 'no' },
            ]}
            onChange={value => setFilter('destructive', value)}
          />
        </Stack>
        {isolation.error && (
          <Alert severity="warning">
            The agents’ isolation could not be checked:{' '}
            {describeError(isolation.error)}
          </Alert>
        )}
        {body}
      </Stack>
    </Content>
  );
}
