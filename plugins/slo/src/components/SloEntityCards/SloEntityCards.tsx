import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  CodeSnippet,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { SloSummary } from '@pilothouse/plugin-slo-common';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { sloApiRef } from '../../api';
import { formatObjective, formatWindow } from '../../figures';
import { SloDetails } from '../SloDetails';
import { SloStatusChip } from '../SloFigures';

/** The SLO of the entity page in context, as the backend evaluates it. */
function useSloOfEntity() {
  const { entity } = useEntity();
  const sloApi = useApi(sloApiRef);
  const ref = getCompoundEntityRef(entity);
  return useAsync(
    () => sloApi.getSlo(ref),
    [sloApi, ref.kind, ref.namespace, ref.name],
  );
}

function Field(props: { label: string; children: ReactNode }) {
  return (
    <TableRow>
      <TableCell component="th" scope="row" sx={{ width: '35%' }}>
        <Typography variant="body2" fontWeight="bold">
          {props.label}
        </Typography>
      </TableCell>
      <TableCell>{props.children}</TableCell>
    </TableRow>
  );
}

function Query(props: { query?: string }) {
  if (!props.query) return null;
  return <CodeSnippet text={props.query} language="promql" />;
}

function SloDefinition(props: { slo: SloSummary }) {
  const { slo } = props;
  const queries = slo.sli.queries;
  return (
    <Table size="small" aria-label="SLO">
      <TableBody>
        <Field label="Status">
          <SloStatusChip status={slo.status} />
        </Field>
        <Field label="Measures">
          {slo.targetRef ? (
            <EntityRefLink entityRef={slo.targetRef} defaultKind="component" />
          ) : (
            '—'
          )}
        </Field>
        <Field label="Owner">
          {slo.ownerRef ? (
            <EntityRefLink entityRef={slo.ownerRef} defaultKind="group" />
          ) : (
            '—'
          )}
        </Field>
        <Field label="System">
          {slo.systemRef ? (
            <EntityRefLink entityRef={slo.systemRef} defaultKind="system" />
          ) : (
            '—'
          )}
        </Field>
        <Field label="Target">{formatObjective(slo.objective)}</Field>
        <Field label="Window">{formatWindow(slo.window)}</Field>
        <Field label="SLI">
          {slo.sli.type === 'ratio'
            ? 'ratio of good to total events'
            : 'latency threshold (from a histogram)'}
        </Field>
        {queries && (
          <Field label="Queries">
            {queries.good && (
              <>
                <Typography variant="caption">good</Typography>
                <Query query={queries.good} />
              </>
            )}
            {queries.bad && (
              <>
                <Typography variant="caption">bad</Typography>
                <Query query={queries.bad} />
              </>
            )}
            <Typography variant="caption">total</Typography>
            <Query query={queries.total} />
          </Field>
        )}
      </TableBody>
    </Table>
  );
}

/** The SLO entity's overview card: what it measures, for whom, and how. */
export function SloOverviewCard() {
  const slo = useSloOfEntity();
  let body: ReactNode;
  if (slo.loading) body = <Progress />;
  else if (slo.error) body = <ResponseErrorPanel error={slo.error} />;
  else body = <SloDefinition slo={slo.value!} />;
  return (
    <InfoCard title="SLO" subheader={slo.value?.description}>
      {body}
    </InfoCard>
  );
}

/** The SLO entity's budget, burn rates, charts and rules. */
export function SloDetailsContent() {
  const slo = useSloOfEntity();
  if (slo.loading) return <Progress />;
  if (slo.error) {
    return (
      <ResponseErrorPanel
        title="The SLO could not be evaluated"
        error={slo.error}
      />
    );
  }
  return <SloDetails slo={slo.value!} />;
}
