import { parseEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { SloSummary } from '@pilothouse/plugin-slo-common';
import { RiChatAi3Line, RiFileList3Line } from '@remixicon/react';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { sloApiRef } from '../../api';
import {
  burnRateNow,
  formatBurnRate,
  formatEvaluatedAt,
  formatObjective,
  formatSince,
  formatSli,
  formatWindow,
} from '../../figures';
import { BudgetBar, PrometheusUnreachable, SloStatusChip } from '../SloFigures';
import { BurnRateTable } from './BurnRateTable';
import { GeneratedRules } from './GeneratedRules';
import { SloCharts } from './SloCharts';

/** The service an SLO measures, by name: what logs and the assistant know it as. */
export function serviceNameOf(slo: SloSummary) {
  if (slo.targetRef) {
    try {
      return parseEntityRef(slo.targetRef, { defaultKind: 'component' }).name;
    } catch {
      return slo.targetRef;
    }
  }
  return parseEntityRef(slo.entityRef).name;
}

/** The assistant page with the question filled in (`/ai-assistant?q=…&entity=…`). */
export function assistantLinkFor(slo: SloSummary) {
  const params = new URLSearchParams({
    q: `why is ${serviceNameOf(slo)} burning its error budget?`,
  });
  if (slo.targetRef) params.set('entity', slo.targetRef);
  return `/ai-assistant?${params}`;
}

export function logsLinkFor(slo: SloSummary) {
  return `/logs?${new URLSearchParams({ q: `service:${serviceNameOf(slo)}` })}`;
}

function Figure(props: { label: string; children: ReactNode }) {
  return (
    <Box sx={{ minWidth: 120 }}>
      <Typography variant="overline" color="text.secondary" component="div">
        {props.label}
      </Typography>
      <Box sx={{ typography: 'h6' }}>{props.children}</Box>
    </Box>
  );
}

/** Where the SLO stands now, and where to look next. */
function SloHeadline(props: { slo: SloSummary }) {
  const { slo } = props;
  const now = burnRateNow(slo);
  const service = serviceNameOf(slo);
  return (
    <Paper variant="outlined" sx={{ p: 2 }}>
      <Stack
        direction="row"
        spacing={4}
        useFlexGap
        flexWrap="wrap"
        alignItems="flex-start"
        aria-label="SLO figures"
      >
        <Figure label="Status">
          <SloStatusChip status={slo.status} />
          {slo.statusSince && slo.status !== 'unknown' && (
            <Typography
              variant="caption"
              color="text.secondary"
              component="div"
            >
              {formatSince(slo.statusSince)}
            </Typography>
          )}
        </Figure>
        <Figure label="Target">{formatObjective(slo.objective)}</Figure>
        <Figure label="SLI">{formatSli(slo.sli.value)}</Figure>
        <Figure label="Budget remaining">
          <BudgetBar remaining={slo.budgetRemaining} />
        </Figure>
        <Figure label={now ? `Burn rate (${now.window})` : 'Burn rate'}>
          {formatBurnRate(now?.value)}
        </Figure>
        <Figure label="Window">
          <Typography variant="body1">{formatWindow(slo.window)}</Typography>
        </Figure>
      </Stack>
      <Stack
        direction="row"
        spacing={2}
        useFlexGap
        flexWrap="wrap"
        alignItems="center"
        sx={{ mt: 2 }}
      >
        <Button
          component={Link}
          to={logsLinkFor(slo)}
          variant="outlined"
          startIcon={<RiFileList3Line size={18} />}
        >
          Logs of {service}
        </Button>
        <Button
          component={Link}
          to={assistantLinkFor(slo)}
          variant="outlined"
          startIcon={<RiChatAi3Line size={18} />}
        >
          Ask the assistant why {service} is burning
        </Button>
        {slo.evaluatedAt && (
          <Typography variant="body2" color="text.secondary">
            Evaluated {formatEvaluatedAt(slo.evaluatedAt)}
          </Typography>
        )}
      </Stack>
    </Paper>
  );
}

/**
 * One SLO in full: figures, SLI and budget charts over its window, burn
 * rates with the alerts they drive, and its generated Prometheus rules.
 */
export function SloDetails(props: { slo: SloSummary }) {
  const { slo } = props;
  const sloApi = useApi(sloApiRef);
  const ref = parseEntityRef(slo.entityRef);
  const compound = { kind: ref.kind, namespace: ref.namespace, name: ref.name };
  const history = useAsync(
    async () => (await sloApi.getHistory(compound)).points,
    [sloApi, slo.entityRef],
  );
  const rules = useAsync(
    () => sloApi.getRules(compound),
    [sloApi, slo.entityRef],
  );
  return (
    <Stack spacing={2}>
      {slo.error && (
        <PrometheusUnreachable
          error={slo.error}
          evaluatedAt={slo.evaluatedAt}
        />
      )}
      <SloHeadline slo={slo} />
      <SloCharts slo={slo} history={history} />
      <BurnRateTable slo={slo} />
      <GeneratedRules sloName={ref.name} rules={rules} />
    </Stack>
  );
}
