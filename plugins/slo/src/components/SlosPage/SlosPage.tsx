import { useMemo } from 'react';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  Content,
  ContentHeader,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { SloSummary } from '@pilothouse/plugin-slo-common';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { sloApiRef } from '../../api';
import {
  burnRateNow,
  byTrouble,
  formatBurnRate,
  formatObjective,
  formatSince,
  formatSli,
  formatWindow,
  lastEvaluation,
} from '../../figures';
import { BudgetBar, PrometheusUnreachable, SloStatusChip } from '../SloFigures';

type FilterKey = 'owner' | 'system';

function FilterSelect(props: {
  label: string;
  value: string;
  options: string[];
  onChange: (value: string) => void;
}) {
  return (
    <TextField
      select
      size="small"
      label={props.label}
      value={props.options.includes(props.value) ? props.value : ''}
      onChange={event => props.onChange(event.target.value)}
      sx={{ minWidth: 200 }}
    >
      <MenuItem value="">Any</MenuItem>
      {props.options.map(ref => (
        <MenuItem key={ref} value={ref}>
          {parseEntityRef(ref).name}
        </MenuItem>
      ))}
    </TextField>
  );
}

function distinct(values: (string | undefined)[]) {
  return [...new Set(values.filter((v): v is string => Boolean(v)))].sort();
}

function RefCell(props: { entityRef?: string; defaultKind: string }) {
  if (!props.entityRef) return <>—</>;
  return (
    <EntityRefLink
      entityRef={props.entityRef}
      defaultKind={props.defaultKind}
    />
  );
}

function FiringAlerts(props: { slo: SloSummary }) {
  const { slo } = props;
  const firing = slo.alerts.filter(alert => alert.firing);
  return (
    <Stack spacing={0.5} alignItems="flex-start">
      <SloStatusChip status={slo.status} />
      {firing.length > 0 && (
        <Typography variant="caption" color="text.secondary">
          {firing.map(alert => alert.name).join(', ')}
        </Typography>
      )}
      {slo.statusSince && slo.status !== 'unknown' && (
        <Typography variant="caption" color="text.secondary">
          {formatSince(slo.statusSince)}
        </Typography>
      )}
    </Stack>
  );
}

const columns: TableColumn<SloSummary>[] = [
  {
    title: 'SLO',
    field: 'title',
    highlight: true,
    cellStyle: { minWidth: 180 },
    render: slo => (
      <Stack spacing={0.25}>
        <EntityRefLink entityRef={slo.entityRef} title={slo.title} />
        <Typography variant="caption" color="text.secondary">
          {formatWindow(slo.window)}
        </Typography>
      </Stack>
    ),
  },
  {
    title: 'Service',
    field: 'targetRef',
    cellStyle: { minWidth: 140 },
    render: slo => (
      <RefCell entityRef={slo.targetRef} defaultKind="component" />
    ),
  },
  {
    title: 'Target',
    field: 'objective',
    type: 'numeric',
    cellStyle: { whiteSpace: 'nowrap' },
    render: slo => formatObjective(slo.objective),
  },
  {
    title: 'SLI',
    field: 'sli.value',
    type: 'numeric',
    cellStyle: { whiteSpace: 'nowrap' },
    render: slo => formatSli(slo.sli.value),
  },
  {
    title: 'Budget remaining',
    field: 'budgetRemaining',
    render: slo => <BudgetBar remaining={slo.budgetRemaining} />,
  },
  {
    title: 'Burn rate now',
    type: 'numeric',
    sorting: false,
    cellStyle: { whiteSpace: 'nowrap' },
    render: slo => {
      const now = burnRateNow(slo);
      return now ? (
        <span title={`over the last ${now.window}`}>
          {formatBurnRate(now.value)}{' '}
          <Typography component="span" variant="caption" color="text.secondary">
            {now.window}
          </Typography>
        </span>
      ) : (
        '—'
      );
    },
  },
  {
    title: 'Burn rate 1h',
    type: 'numeric',
    sorting: false,
    cellStyle: { whiteSpace: 'nowrap' },
    render: slo => formatBurnRate(slo.burnRates['1h']),
  },
  {
    title: 'Alert state',
    field: 'status',
    cellStyle: { minWidth: 120 },
    render: slo => <FiringAlerts slo={slo} />,
  },
  // Owner and system share a column: the table fits beside the sidebar.
  {
    title: 'Owner / system',
    field: 'ownerRef',
    cellStyle: { minWidth: 150 },
    render: slo => (
      <Stack spacing={0.5} alignItems="flex-start">
        <RefCell entityRef={slo.ownerRef} defaultKind="group" />
        <RefCell entityRef={slo.systemRef} defaultKind="system" />
      </Stack>
    ),
  },
];

/**
 * Every SLO with its target, SLI, error budget, burn rate and alert state,
 * who is in trouble first; filters by owner and system live in the address.
 */
export function SlosPage() {
  const sloApi = useApi(sloApiRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const owner = searchParams.get('owner') ?? '';
  const system = searchParams.get('system') ?? '';

  const answer = useAsync(() => sloApi.listSlos(), [sloApi]);
  const slos = useMemo(
    () => [...(answer.value?.items ?? [])].sort(byTrouble),
    [answer.value],
  );
  const owners = useMemo(() => distinct(slos.map(s => s.ownerRef)), [slos]);
  const systems = useMemo(() => distinct(slos.map(s => s.systemRef)), [slos]);
  const shown = slos.filter(
    slo =>
      (!owner || slo.ownerRef === owner) &&
      (!system || slo.systemRef === system),
  );

  const setFilter = (key: FilterKey, value: string) => {
    const next = new URLSearchParams(searchParams);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearchParams(next, { replace: true });
  };

  let body: JSX.Element;
  if (answer.loading) {
    body = <Progress />;
  } else if (answer.error) {
    body = <ResponseErrorPanel error={answer.error} />;
  } else if (slos.length === 0) {
    body = (
      <Alert severity="info">
        There are no SLOs in the catalog yet. Describe them as OpenSLO documents
        (apiVersion openslo/v1, kind SLO) next to the services they measure and
        register the file.
      </Alert>
    );
  } else {
    body = (
      <Box role="region" aria-label="SLOs">
        <Table<SloSummary>
          title={`SLOs (${shown.length})`}
          columns={columns}
          data={shown}
          options={{
            paging: false,
            search: false,
            padding: 'dense',
            draggable: false,
          }}
          emptyContent={
            <Typography sx={{ p: 2 }}>
              No SLO matches these filters.{' '}
              <Button size="small" onClick={() => setSearchParams({})}>
                Clear filters
              </Button>
            </Typography>
          }
        />
      </Box>
    );
  }

  const error = answer.value?.error;
  return (
    <Content>
      <ContentHeader
        title="Service level objectives"
        description="Error budgets and burn rates of every SLO, the services in trouble first."
      />
      <Stack spacing={2}>
        {error && (
          <PrometheusUnreachable
            error={error}
            evaluatedAt={lastEvaluation(slos)}
          />
        )}
        <Stack
          direction="row"
          spacing={2}
          useFlexGap
          flexWrap="wrap"
          role="group"
          aria-label="Filters"
        >
          <FilterSelect
            label="Owner"
            value={owner}
            options={owners}
            onChange={value => setFilter('owner', value)}
          />
          <FilterSelect
            label="System"
            value={system}
            options={systems}
            onChange={value => setFilter('system', value)}
          />
        </Stack>
        {body}
      </Stack>
    </Content>
  );
}
