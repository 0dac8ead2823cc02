import { Content } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Link from '@mui/material/Link';
import { Link as RouterLink } from 'react-router-dom';
import { fieldTerm } from '../../query';
import { rootRouteRef } from '../../routes';
import { LogsView } from '../LogsView/LogsView';

/** The events a component emits carry its name as `service.name`. */
export function entityLogScope(name: string) {
  return fieldTerm('service', name);
}

/** The Logs tab of a component's page: its own logs, searchable. */
export function EntityLogsContent() {
  const { entity } = useEntity();
  const scope = entityLogScope(entity.metadata.name);
  const logsLink = useRouteRef(rootRouteRef);
  return (
    <Content>
      <LogsView
        scope={scope}
        scopeLabel={`The logs of ${entity.metadata.name} (${scope}); what you type narrows them further.`}
      />
      <Link
        component={RouterLink}
        to={`${logsLink?.() ?? '/logs'}?${new URLSearchParams({ q: scope })}`}
        sx={{ display: 'inline-block', mt: 2 }}
      >
        Search all logs
      </Link>
    </Content>
  );
}
