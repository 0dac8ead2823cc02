import { stringifyEntityRef } from '@backstage/catalog-model';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';
import { sloApiRef } from '../../api';
import { byTrouble, lastEvaluation } from '../../figures';
import { SloDetails } from '../SloDetails';
import { PrometheusUnreachable } from '../SloFigures';

/** The SLO tab of a component: every SLO that measures it, in full. */
export function EntitySlosContent() {
  const { entity } = useEntity();
  const sloApi = useApi(sloApiRef);
  const targetRef = stringifyEntityRef(entity);
  const answer = useAsync(
    () => sloApi.listSlos({ targetRef }),
    [sloApi, targetRef],
  );

  if (answer.loading) return <Progress />;
  if (answer.error) {
    return (
      <ResponseErrorPanel
        title="The SLOs could not be loaded"
        error={answer.error}
      />
    );
  }
  const { items, error } = answer.value!;
  const slos = [...items].sort(byTrouble);
  if (slos.length === 0) {
    return error ? (
      <PrometheusUnreachable error={error} />
    ) : (
      <Alert severity="info">
        No SLO measures {entity.metadata.title ?? entity.metadata.name} yet.
      </Alert>
    );
  }
  return (
    <Stack spacing={4}>
      {/* Each SLO says it for itself when it carries the error. */}
      {error && !slos.some(slo => slo.error) && (
        <PrometheusUnreachable
          error={error}
          evaluatedAt={lastEvaluation(slos)}
        />
      )}
      {slos.map(slo => (
        <Stack
          key={slo.entityRef}
          spacing={1}
          component="section"
          aria-label={slo.title}
        >
          <Typography variant="h5" component="h2">
            <EntityRefLink entityRef={slo.entityRef} title={slo.title} />
          </Typography>
          {slo.description && (
            <Typography variant="body2" color="text.secondary">
              {slo.description}
            </Typography>
          )}
          <SloDetails slo={slo} />
        </Stack>
      ))}
    </Stack>
  );
}
