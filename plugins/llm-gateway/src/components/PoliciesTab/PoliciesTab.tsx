import { useCallback, useEffect, useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Grid from '@mui/material/Grid';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import type { PolicyDocument } from '@pilothouse/plugin-llm-gateway-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { llmGatewayApiRef } from '../../api';
import { GatewayAccessGate, ReadOnlyNote } from '../GatewayAccess';
import { PolicyEditor } from './PolicyEditor';
import { PolicyHistory } from './PolicyHistory';

/** The gateway's policies: edit with validation, history with diffs, restore. */
export function PoliciesTab() {
  return (
    <GatewayAccessGate>
      <ReadOnlyNote />
      <Policies />
    </GatewayAccessGate>
  );
}

function Policies() {
  const api = useApi(llmGatewayApiRef);
  const loaded = useAsyncRetry(() => api.listPolicies(), [api]);
  const [policies, setPolicies] = useState<PolicyDocument[]>();
  const [selected, setSelected] = useState<string>();

  useEffect(() => {
    const list = loaded.value?.policies;
    if (!list) return;
    setPolicies(list);
    setSelected(current => current ?? list[0]?.name);
  }, [loaded.value]);

  const replacePolicy = useCallback((next: PolicyDocument) => {
    setPolicies(list =>
      list?.map(policy => (policy.name === next.name ? next : policy)),
    );
  }, []);

  if (loaded.loading && !policies) return <Progress />;
  if (loaded.error) {
    return (
      <ResponseErrorPanel
        title="Could not load the policies"
        error={loaded.error}
      />
    );
  }
  if (!policies?.length) {
    return (
      <EmptyState
        missing="data"
        title="No policies"
        description="The gateway reported no policy documents. Is the gateway backend running?"
      />
    );
  }
  const policy = policies.find(p => p.name === selected) ?? policies[0];
  const problems = loaded.value?.problems ?? [];

  return (
    <Grid container spacing={3}>
      {problems.map(problem => (
        <Grid item xs={12} key={`${problem.name}:${problem.location}`}>
          <Alert severity="warning">
            <AlertTitle>
              Policy {problem.name} from {problem.location} was refused; its
              last good version stays in force
            </AlertTitle>
            <ul style={{ margin: 0 }}>
              {problem.errors.map((e, i) => (
                <li key={i}>
                  {e.line ? `line ${e.line}: ` : ''}
                  {e.message}
                </li>
              ))}
            </ul>
          </Alert>
        </Grid>
      ))}
      <Grid item xs={12} md={3}>
        <InfoCard title="Policies" noPadding>
          <List dense aria-label="Policies">
            {policies.map(p => (
              <ListItemButton
                key={p.name}
                selected={p.name === policy.name}
                onClick={() => setSelected(p.name)}
              >
                <ListItemText
                  primary={p.name}
                  secondary={`version ${p.version} by ${p.author}`}
                />
              </ListItemButton>
            ))}
          </List>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={9}>
        <Stack spacing={3}>
          <PolicyEditor
            // A new version (saved or restored) starts a fresh draft.
            key={`${policy.name}@${policy.version}`}
            policy={policy}
            onSaved={replacePolicy}
          />
          <PolicyHistory
            name={policy.name}
            currentVersion={policy.version}
            onRestored={replacePolicy}
          />
        </Stack>
      </Grid>
    </Grid>
  );
}
