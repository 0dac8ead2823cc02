import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { llmGatewayApiRef } from '../../api';
import { GatewayAccessGate } from '../GatewayAccess';

/** Model providers, the models routed to each, the data they may receive, and their health. */
export function ProvidersTab() {
  return (
    <GatewayAccessGate>
      <Providers />
    </GatewayAccessGate>
  );
}

function Providers() {
  const api = useApi(llmGatewayApiRef);
  const providers = useAsyncRetry(() => api.listProviders(), [api]);

  if (providers.loading && !providers.value) return <Progress />;
  if (providers.error) {
    return (
      <ResponseErrorPanel
        title="Could not load the providers"
        error={providers.error}
      />
    );
  }
  const list = providers.value ?? [];
  const unhealthy = list.filter(p => !p.healthy).length;

  return (
    <InfoCard
      title="Routes and providers"
      subheader={
        list.length === 0
          ? undefined
          : `${list.length - unhealthy} of ${
              list.length
            } healthy. Requests are routed to a healthy provider allowed to receive their data class.`
      }
      action={
        <Button onClick={providers.retry} disabled={providers.loading}>
          Refresh
        </Button>
      }
    >
      {list.length === 0 ? (
        <EmptyState
          missing="data"
          title="No providers configured"
          description="The gateway has no model providers, so model calls cannot be routed."
        />
      ) : (
        <Table size="small" aria-label="Providers">
          <TableHead>
            <TableRow>
              <TableCell>Provider</TableCell>
              <TableCell>Type</TableCell>
              <TableCell>Models</TableCell>
              <TableCell>Most sensitive data</TableCell>
              <TableCell>Health</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {list.map(provider => (
              <TableRow key={provider.id}>
                <TableCell>
                  <Typography fontWeight="bold">{provider.id}</Typography>
                </TableCell>
                <TableCell>{provider.type}</TableCell>
                <TableCell>
                  <Stack
                    direction="row"
                    spacing={0.5}
                    flexWrap="wrap"
                    useFlexGap
                  >
                    {provider.models.map(model => (
                      <Chip key={model} size="small" label={model} />
                    ))}
                  </Stack>
                </TableCell>
                <TableCell>{provider.maxDataClass}</TableCell>
                <TableCell>
                  {provider.healthy ? (
                    <StatusOK>Healthy</StatusOK>
                  ) : (
                    <>
                      <StatusError>Unhealthy</StatusError>
                      {provider.lastError && (
                        <Typography variant="body2" color="error">
                          {provider.lastError}
                        </Typography>
                      )}
                    </>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
