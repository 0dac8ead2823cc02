import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import {
  AgentEntity,
  IsolationDifference,
  isAgentEntity,
} from '@pilothouse/plugin-agentops-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { agentsApiRef } from '../../api';
import { IsolationStatusChip } from '../StatusChips';

const problemWords: Record<IsolationDifference['problem'], string> = {
  missing: 'missing',
  unexpected: 'not rendered',
  'extra-permission': 'grants more',
  'missing-permission': 'grants less',
  wildcard: 'wildcard',
  changed: 'changed',
};

const statusSentences = {
  ok: 'The cluster holds exactly the isolation objects rendered from this entity.',
  drift:
    'The cluster differs from the isolation objects rendered from this entity.',
  'not-deployed':
    'The agent’s namespace does not exist in the cluster: it is not deployed.',
  invalid: 'The entity cannot be rendered into manifests.',
  unreachable: 'The cluster could not be read.',
};

function Isolation(props: { agent: AgentEntity }) {
  const agentsApi = useApi(agentsApiRef);
  const ref = getCompoundEntityRef(props.agent);
  const report = useAsyncRetry(
    () => agentsApi.getIsolation(ref),
    [agentsApi, ref.namespace, ref.name],
  );
  if (report.loading && !report.value) return <Progress />;
  if (report.error) {
    return (
      <ResponseErrorPanel
        title="The isolation could not be checked"
        error={report.error}
      />
    );
  }
  const { status, differences, warnings, message, checkedAt, agentNamespace } =
    report.value!;
  return (
    <Stack spacing={2}>
      <InfoCard
        title="Isolation"
        subheader={`Namespace ${agentNamespace}, checked ${new Date(
          checkedAt,
        ).toLocaleString()}`}
        action={
          <Button
            onClick={report.retry}
            disabled={report.loading}
            sx={{ mt: 1, mr: 1 }}
          >
            Check again
          </Button>
        }
      >
        <Stack spacing={2}>
          <Stack direction="row" spacing={1} alignItems="center">
            <IsolationStatusChip status={status} size="medium" />
            <Typography>{statusSentences[status] ?? status}</Typography>
          </Stack>
          {message && <Alert severity="warning">{message}</Alert>}
          {differences.length > 0 && (
            <Table size="small" aria-label="Differences">
              <TableHead>
                <TableRow>
                  <TableCell>Object</TableCell>
                  <TableCell>Problem</TableCell>
                  <TableCell>What differs</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {differences.map((difference, index) => (
                  <TableRow key={index}>
                    <TableCell>
                      {difference.kind}{' '}
                      {difference.namespace
                        ? `${difference.namespace}/${difference.name}`
                        : difference.name}
                    </TableCell>
                    <TableCell>{problemWords[difference.problem]}</TableCell>
                    <TableCell>{difference.detail}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Stack>
      </InfoCard>
      {warnings.length > 0 && (
        <InfoCard title="Rendering notes">
          <Stack spacing={1}>
            {warnings.map(warning => (
              <Alert key={warning} severity="info">
                {warning}
              </Alert>
            ))}
          </Stack>
        </InfoCard>
      )}
    </Stack>
  );
}

/** The agent's live isolation against its rendered manifests: status, differences, notes. */
export function IsolationContent() {
  const { entity } = useEntity();
  if (!isAgentEntity(entity)) return null;
  return <Isolation agent={entity} />;
}
