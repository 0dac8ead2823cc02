import { useEffect, useMemo, useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import {
  AuditQuery,
  AuditRecord,
  BUILTIN_FINDING_TYPES,
} from '@pilothouse/plugin-llm-gateway-common';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { llmGatewayApiRef } from '../../api';
import { DecisionChip } from '../DecisionChip';
import { EntityRefPicker } from '../EntityRefPicker';
import { GatewayAccessGate, useGatewayAccess } from '../GatewayAccess';
import { AuditChainBanner } from './AuditChainBanner';

/** The audit log: one record per decision, filtered and paged, with the chain's status. */
export function AuditTab() {
  return (
    <GatewayAccessGate>
      <Stack spacing={3}>
        <AuditChainBanner />
        <AuditLog />
      </Stack>
    </GatewayAccessGate>
  );
}

interface Filters {
  actor: string;
  entityRef: string;
  decision: '' | AuditRecord['decision'];
  findingType: string;
  kind: '' | AuditRecord['kind'];
  from: string;
  to: string;
}

const noFilters: Filters = {
  actor: '',
  entityRef: '',
  decision: '',
  findingType: '',
  kind: '',
  from: '',
  to: '',
};

const DECISIONS: AuditRecord['decision'][] = [
  'allow',
  'deny',
  'ask',
  'block',
  'error',
];
const KINDS: AuditRecord['kind'][] = [
  'model',
  'tool',
  'inspect',
  'policy-change',
  'approval',
];
const PAGE_SIZES = [25, 50, 100];

/** Query parameter of each filter: a filtered view can be shared as a link. */
const PARAMS: Record<keyof Filters, string> = {
  actor: 'user',
  entityRef: 'entity',
  decision: 'decision',
  findingType: 'finding',
  kind: 'kind',
  from: 'from',
  to: 'to',
};

function filtersOf(params: URLSearchParams): Filters {
  const filters = { ...noFilters };
  for (const [key, param] of Object.entries(PARAMS)) {
    const value = params.get(param) ?? '';
    (filters as Record<string, string>)[key] = value;
  }
  if (!DECISIONS.includes(filters.decision as AuditRecord['decision'])) {
    filters.decision = '';
  }
  if (!KINDS.includes(filters.kind as AuditRecord['kind'])) filters.kind = '';
  return filters;
}

function paramsOf(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, param] of Object.entries(PARAMS)) {
    const value = filters[key as keyof Filters];
    if (value) params.set(param, value);
  }
  return params;
}

/** `datetime-local` values are local time; the API takes ISO timestamps. */
function toIso(local: string) {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function queryOf(filters: Filters): AuditQuery {
  return {
    actor: filters.actor || undefined,
    entityRef: filters.entityRef || undefined,
    decision: filters.decision || undefined,
    findingType: filters.findingType || undefined,
    kind: filters.kind || undefined,
    from: toIso(filters.from),
    to: toIso(filters.to),
  };
}

function AuditLog() {
  const api = useApi(llmGatewayApiRef);
  const { canReadAllAudit } = useGatewayAccess();
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.toString();
  const applied = useMemo(
    () => filtersOf(new URLSearchParams(search)),
    [search],
  );
  const [draft, setDraft] = useState<Filters>(applied);
  const [limit, setLimit] = useState(PAGE_SIZES[0]);
  // `before` cursors of the pages walked so far; the last one is shown.
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const before = cursors[cursors.length - 1];

  const page = useAsync(
    () => api.queryAudit({ ...queryOf(applied), limit, before }),
    [api, applied, limit, before],
  );

  const set = (change: Partial<Filters>) =>
    setDraft(current => ({ ...current, ...change }));
  // Back and forward in the browser change the filters shown too.
  useEffect(() => {
    setDraft(applied);
    setCursors([undefined]);
  }, [applied]);
  const apply = (filters: Filters) => {
    setSearchParams(paramsOf(filters));
    setCursors([undefined]);
  };

  return (
    <InfoCard title="Audit log">
      {!canReadAllAudit && (
        <Alert severity="info" sx={{ mb: 2 }}>
          You see your own records. Reading everyone's needs the
          llm-gateway.audit.read permission.
        </Alert>
      )}
      <Box
        component="form"
        aria-label="Audit filters"
        onSubmit={event => {
          event.preventDefault();
          apply(draft);
        }}
      >
        <Grid container spacing={2}>
          <Grid item xs={12} md={4}>
            <EntityRefPicker
              kind="User"
              label="User"
              value={draft.actor}
              onChange={actor => set({ actor })}
              disabled={!canReadAllAudit}
            />
          </Grid>
          <Grid item xs={12} md={4}>
            <EntityRefPicker
              kind="Component"
              label="Entity"
              value={draft.entityRef}
              onChange={entityRef => set({ entityRef })}
            />
          </Grid>
          <Grid item xs={12} md={4}>
            <Autocomplete
              freeSolo
              options={[...BUILTIN_FINDING_TYPES] as string[]}
              inputValue={draft.findingType}
              onInputChange={(_event, findingType) => set({ findingType })}
              renderInput={params => (
                <TextField
                  {...params}
                  label="Finding type"
                  helperText="A built-in type, a custom rule, or SECRET:aws-access-key"
                />
              )}
            />
          </Grid>
          <Grid item xs={6} md={2}>
            <TextField
              select
              fullWidth
              label="Decision"
              value={draft.decision}
              onChange={event =>
                set({ decision: event.target.value as Filters['decision'] })
              }
            >
              <MenuItem value="">Any</MenuItem>
              {DECISIONS.map(decision => (
                <MenuItem key={decision} value={decision}>
                  {decision}
                </MenuItem>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={6} md={2}>
            <TextField
              select
              fullWidth
              label="Kind"
              value={draft.kind}
              onChange={event =>
                set({ kind: event.target.value as Filters['kind'] })
              }
            >
              <MenuItem value="">Any</MenuItem>
              {KINDS.map(kind => (
                <MenuItem key={kind} value={kind}>
                  {kind}
                </MenuItem>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={6} md={3}>
            <TextField
              fullWidth
              type="datetime-local"
              label="From"
              value={draft.from}
              onChange={event => set({ from: event.target.value })}
              InputLabelProps={{ shrink: true }}
            />
          </Grid>
          <Grid item xs={6} md={3}>
            <TextField
              fullWidth
              type="datetime-local"
              label="To"
              value={draft.to}
              onChange={event => set({ to: event.target.value })}
              InputLabelProps={{ shrink: true }}
            />
          </Grid>
          <Grid item xs={12} md={2}>
            <Stack direction="row" spacing={1} sx={{ height: '100%' }}>
              <Button type="submit" variant="contained">
                Apply
              </Button>
              <Button
                onClick={() => {
                  setDraft(noFilters);
                  apply(noFilters);
                }}
              >
                Clear
              </Button>
            </Stack>
          </Grid>
        </Grid>
      </Box>

      <Box sx={{ mt: 3 }}>
        {page.loading && <Progress />}
        {page.error && (
          <ResponseErrorPanel
            title="Could not load the audit log"
            error={page.error}
          />
        )}
        {page.value && !page.loading && (
          <AuditRecordsTable records={page.value.records} />
        )}
      </Box>

      <Stack
        direction="row"
        spacing={2}
        alignItems="center"
        justifyContent="flex-end"
        sx={{ mt: 2 }}
      >
        <TextField
          select
          size="small"
          label="Per page"
          value={limit}
          onChange={event => {
            setLimit(Number(event.target.value));
            setCursors([undefined]);
          }}
        >
          {PAGE_SIZES.map(size => (
            <MenuItem key={size} value={size}>
              {size}
            </MenuItem>
          ))}
        </TextField>
        <Button
          onClick={() => setCursors(list => list.slice(0, -1))}
          disabled={cursors.length <= 1 || page.loading}
        >
          Newer
        </Button>
        <Button
          onClick={() => setCursors(list => [...list, page.value?.nextBefore])}
          disabled={page.value?.nextBefore === undefined || page.loading}
        >
          Older
        </Button>
      </Stack>
    </InfoCard>
  );
}

function AuditRecordsTable(props: { records: AuditRecord[] }) {
  if (props.records.length === 0) {
    return (
      <Typography color="text.secondary">
        No records match these filters.
      </Typography>
    );
  }
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Table size="small" aria-label="Audit records">
        <TableHead>
          <TableRow>
            <TableCell>#</TableCell>
            <TableCell>Time</TableCell>
            <TableCell>User</TableCell>
            <TableCell>Kind</TableCell>
            <TableCell>Target</TableCell>
            <TableCell>Entity</TableCell>
            <TableCell>Decision</TableCell>
            <TableCell>Findings</TableCell>
            <TableCell>Why</TableCell>
            <TableCell>Usage</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.records.map(record => (
            <TableRow key={record.id}>
              <TableCell>{record.seq}</TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                {new Date(record.time).toLocaleString()}
              </TableCell>
              <TableCell>{record.actor}</TableCell>
              <TableCell>{record.kind}</TableCell>
              <TableCell sx={{ fontFamily: 'monospace' }}>
                {record.target}
              </TableCell>
              <TableCell>{record.entityRef}</TableCell>
              <TableCell>
                <DecisionChip decision={record.decision} size="small" />
              </TableCell>
              <TableCell>
                <Stack direction="row" spacing={0.5} flexWrap="wrap" useFlexGap>
                  {Object.entries(record.findings).map(([type, count]) => (
                    <Chip
                      key={type}
                      size="small"
                      variant="outlined"
                      label={`${type} ×${count}`}
                    />
                  ))}
                </Stack>
              </TableCell>
              <TableCell>
                {record.reason}
                {record.rule && (
                  <Typography variant="body2" color="text.secondary">
                    rule {record.rule}
                  </Typography>
                )}
              </TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                {record.provider && <div>{record.provider}</div>}
                {record.inputTokens !== undefined && (
                  <div>
                    {record.inputTokens} in / {record.outputTokens ?? 0} out
                  </div>
                )}
                {record.costUsd !== undefined && (
                  <div>${record.costUsd.toFixed(4)}</div>
                )}
                {record.latencyMs !== undefined && (
                  <div>{record.latencyMs} ms</div>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}
