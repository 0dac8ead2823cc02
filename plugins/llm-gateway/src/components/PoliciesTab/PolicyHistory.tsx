import { useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import type {
  PolicyDocument,
  PolicyVersionSummary,
} from '@pilothouse/plugin-llm-gateway-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { llmGatewayApiRef } from '../../api';
import { describeError } from '../../describeError';
import { UnifiedDiff } from '../UnifiedDiff';
import { useGatewayAccess } from '../GatewayAccess';
import { useLastDefined } from '../../hooks/useLastDefined';

const originLabels: Record<PolicyDocument['origin'], string> = {
  file: 'repository file',
  admin: 'edited here',
  restore: 'restored',
};

/** Every version of a policy: who, when, why, what changed; older ones can be restored. */
export function PolicyHistory(props: {
  name: string;
  currentVersion: number;
  onRestored: (policy: PolicyDocument) => void;
}) {
  const { name, currentVersion, onRestored } = props;
  const api = useApi(llmGatewayApiRef);
  const { canEdit } = useGatewayAccess();
  const history = useAsyncRetry(
    () => api.getPolicyHistory(name),
    // A save or restore makes a new version: fetch the history again.
    [api, name, currentVersion],
  );
  const [shownDiff, setShownDiff] = useState<PolicyVersionSummary>();
  const [restoring, setRestoring] = useState<PolicyVersionSummary>();
  // What the dialogs show, kept while they close.
  const diffShown = useLastDefined(shownDiff);
  const restoreShown = useLastDefined(restoring);
  const [restoreBusy, setRestoreBusy] = useState(false);
  const [restoreError, setRestoreError] = useState<string>();

  const confirmRestore = (entry?: PolicyVersionSummary) => {
    setRestoreError(undefined);
    setRestoring(entry);
  };
  const restore = async (version: number) => {
    setRestoreBusy(true);
    setRestoreError(undefined);
    try {
      const restored = await api.restorePolicy(name, version);
      setRestoring(undefined);
      onRestored(restored);
    } catch (error) {
      setRestoreError(`Could not restore: ${describeError(error)}`);
    } finally {
      setRestoreBusy(false);
    }
  };

  let content;
  if (history.loading && !history.value) {
    content = <Progress />;
  } else if (history.error) {
    content = (
      <ResponseErrorPanel
        title="Could not load the history"
        error={history.error}
      />
    );
  } else if (!history.value?.length) {
    content = <Box>This policy has no recorded versions yet.</Box>;
  } else {
    content = (
      <Table size="small" aria-label="Versions">
        <TableHead>
          <TableRow>
            <TableCell>Version</TableCell>
            <TableCell>Time</TableCell>
            <TableCell>Author</TableCell>
            <TableCell>Origin</TableCell>
            <TableCell>Comment</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {history.value.map(entry => (
            <TableRow key={entry.version}>
              <TableCell>
                {entry.version}
                {entry.version === currentVersion && (
                  <Chip size="small" label="current" sx={{ ml: 1 }} />
                )}
              </TableCell>
              <TableCell>{new Date(entry.time).toLocaleString()}</TableCell>
              <TableCell>{entry.author}</TableCell>
              <TableCell>
                {originLabels[entry.origin] ?? entry.origin}
              </TableCell>
              <TableCell>{entry.comment}</TableCell>
              <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                <Button size="small" onClick={() => setShownDiff(entry)}>
                  View changes
                </Button>
                <Button
                  size="small"
                  disabled={!canEdit || entry.version === currentVersion}
                  onClick={() => confirmRestore(entry)}
                >
                  Restore
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }

  return (
    <InfoCard title="History">
      {content}

      <Dialog
        open={!!shownDiff}
        onClose={() => setShownDiff(undefined)}
        fullWidth
        maxWidth="md"
      >
        <DialogTitle>
          Changes in version {diffShown?.version} of {name}
        </DialogTitle>
        <DialogContent>
          {diffShown?.comment && (
            <DialogContentText sx={{ mb: 2 }}>
              {diffShown.author}: {diffShown.comment}
            </DialogContentText>
          )}
          {diffShown && <UnifiedDiff diff={diffShown.diff} />}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setShownDiff(undefined)}>Close</Button>
        </DialogActions>
      </Dialog>

      <Dialog open={!!restoring} onClose={() => confirmRestore(undefined)}>
        <DialogTitle>
          Restore version {restoreShown?.version} of {name}?
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            The gateway saves the content of version {restoreShown?.version} as
            a new version {currentVersion + 1} and applies it to new requests.
            Version {currentVersion} stays in the history.
          </DialogContentText>
          {restoreError && (
            <Alert severity="error" sx={{ mt: 2 }}>
              {restoreError}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => confirmRestore(undefined)}>Cancel</Button>
          <Button
            variant="contained"
            disabled={restoreBusy}
            onClick={() => restore(restoring!.version)}
          >
            Restore version {restoreShown?.version}
          </Button>
        </DialogActions>
      </Dialog>
    </InfoCard>
  );
}
