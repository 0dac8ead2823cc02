import { parseEntityRef } from '@backstage/catalog-model';
import { Content, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type {
  Detection,
  DetectionResponse,
} from '@pilothouse/plugin-log-search-common';
import { RiChatAi3Line, RiFileSearchLine } from '@remixicon/react';
import { FormEvent, ReactNode, useEffect, useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { logSearchApiRef } from '../../api';
import { describeError } from '../../describeError';
import { triageQuestion } from '../../detections';
import { fieldTerm } from '../../query';
import {
  assistantRouteRef,
  detectionsRouteRef,
  rootRouteRef,
} from '../../routes';
import { AttackTags } from '../DetectionsPage/DetectionsPage';
import { LevelChip, StatusChip } from '../DetectionsPage/LevelChip';
import { LogResultsTable } from '../LogResultsTable/LogResultsTable';

type Action = 'acknowledge' | 'resolve';

/** A user reference as a link to the user, or as given if it is not one. */
function Who(props: { who: string }) {
  try {
    parseEntityRef(props.who, { defaultKind: 'user' });
  } catch {
    return <>{props.who}</>;
  }
  return <EntityRefLink entityRef={props.who} defaultKind="user" />;
}

function Row(props: { label: string; children: ReactNode }) {
  return (
    <TableRow>
      <TableCell
        component="th"
        scope="row"
        sx={{ width: 160, fontWeight: 500 }}
      >
        {props.label}
      </TableCell>
      <TableCell>{props.children}</TableCell>
    </TableRow>
  );
}

/** Who acknowledged and resolved it, when, and their note. */
function Handling(props: { detection: Detection }) {
  const { detection } = props;
  if (!detection.acknowledgedBy && !detection.resolvedBy) return null;
  return (
    <Alert
      severity={detection.status === 'resolved' ? 'success' : 'info'}
      aria-label="Handling"
    >
      {detection.acknowledgedBy && (
        <Typography variant="body2">
          Acknowledged by <Who who={detection.acknowledgedBy} />
          {detection.acknowledgedAt &&
            ` on ${new Date(detection.acknowledgedAt).toLocaleString()}`}
          .
        </Typography>
      )}
      {detection.resolvedBy && (
        <Typography variant="body2">
          Resolved by <Who who={detection.resolvedBy} />
          {detection.resolvedAt &&
            ` on ${new Date(detection.resolvedAt).toLocaleString()}`}
          .
        </Typography>
      )}
      {detection.note && (
        <Typography variant="body2" sx={{ mt: 1, whiteSpace: 'pre-wrap' }}>
          Note: {detection.note}
        </Typography>
      )}
    </Alert>
  );
}

function ActionDialog(props: {
  action?: Action;
  busy: boolean;
  error?: Error;
  onCancel: () => void;
  onConfirm: (note: string) => void;
}) {
  const [note, setNote] = useState('');
  useEffect(() => setNote(''), [props.action]);
  const verb = props.action === 'resolve' ? 'Resolve' : 'Acknowledge';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onConfirm(note.trim());
  };
  return (
    <Dialog
      open={!!props.action}
      onClose={props.onCancel}
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={submit} aria-label={`${verb} detection`}>
        <DialogTitle>{verb} this detection</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>
            {props.action === 'resolve'
              ? 'Resolving closes it; new matches of the rule open a new detection.'
              : 'Acknowledging tells others you are looking into it.'}{' '}
            Your name and the time are recorded with it.
          </DialogContentText>
          <TextField
            fullWidth
            multiline
            minRows={2}
            label="Note (optional)"
            value={note}
            onChange={event => setNote(event.target.value)}
          />
          {props.error && (
            <Alert severity="error" sx={{ mt: 2 }}>
              {describeError(props.error)}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onCancel}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={props.busy}>
            {verb}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

function DetectionDetails(props: {
  response: DetectionResponse;
  onChange: (response: DetectionResponse) => void;
}) {
  const api = useApi(logSearchApiRef);
  const { detection, events } = props.response;
  const logsLink = useRouteRef(rootRouteRef);
  const assistantLink = useRouteRef(assistantRouteRef);
  const rules = useAsync(() => api.listRules(), [api]);
  const rule = rules.value?.items.find(r => r.id === detection.ruleId);
  const [action, setAction] = useState<Action>();
  const [state, run] = useAsyncFn(
    async (which: Action, note: string) => {
      const updated =
        which === 'acknowledge'
          ? await api.acknowledgeDetection(detection.id, note || undefined)
          : await api.resolveDetection(detection.id, note || undefined);
      props.onChange(updated);
      setAction(undefined);
      return updated;
    },
    [api, detection.id, props.onChange],
  );

  // The events around it: the entity's, from shortly before to shortly after.
  const margin = 5 * 60_000;
  const logsQuery = new URLSearchParams({
    q: detection.entityRef ? fieldTerm('entityRef', detection.entityRef) : '',
    from: new Date(Date.parse(detection.firstSeen) - margin).toISOString(),
    to: new Date(Date.parse(detection.lastSeen) + margin).toISOString(),
  });

  return (
    <Stack spacing={2}>
      <Stack
        direction="row"
        spacing={1}
        alignItems="center"
        useFlexGap
        flexWrap="wrap"
      >
        <Typography variant="h5" component="h1" sx={{ mr: 1 }}>
          {detection.ruleTitle}
        </Typography>
        <LevelChip level={detection.level} />
        <StatusChip status={detection.status} />
      </Stack>
      <Handling detection={detection} />
      <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap">
        {detection.status === 'open' && (
          <Button variant="contained" onClick={() => setAction('acknowledge')}>
            Acknowledge
          </Button>
        )}
        {detection.status !== 'resolved' && (
          <Button
            variant={detection.status === 'open' ? 'outlined' : 'contained'}
            onClick={() => setAction('resolve')}
          >
            Resolve
          </Button>
        )}
        {assistantLink && (
          <Button
            component={RouterLink}
            to={`${assistantLink()}?${new URLSearchParams({
              q: triageQuestion(detection),
            })}`}
            startIcon={<RiChatAi3Line size={16} />}
          >
            Triage in the AI assistant
          </Button>
        )}
        <Button
          component={RouterLink}
          to={`${logsLink?.() ?? '/logs'}?${logsQuery}`}
          startIcon={<RiFileSearchLine size={16} />}
        >
          Logs around it
        </Button>
      </Stack>
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-label="Detection">
          <TableBody>
            <Row label="Rule">
              {detection.ruleTitle}
              <Typography
                variant="caption"
                display="block"
                color="text.secondary"
              >
                {detection.ruleId}
                {rule && ` · ${rule.type} rule in the ${rule.pack} pack`}
                {rule && !rule.enabled && ' · disabled'}
              </Typography>
            </Row>
            <Row label="ATT&CK">
              {detection.attack.length ? (
                <AttackTags tags={detection.attack} />
              ) : (
                'The rule names no ATT&CK technique.'
              )}
            </Row>
            <Row label="Entity">
              {detection.entityRef ? (
                <EntityRefLink entityRef={detection.entityRef} />
              ) : (
                '—'
              )}
            </Row>
            <Row label="Grouped by">
              <Box component="span" sx={{ fontFamily: 'monospace' }}>
                {detection.groupKey || '—'}
              </Box>
            </Row>
            <Row label="Matching events">{detection.count}</Row>
            <Row label="First seen">
              {new Date(detection.firstSeen).toLocaleString()}
            </Row>
            <Row label="Last seen">
              {new Date(detection.lastSeen).toLocaleString()}
            </Row>
          </TableBody>
        </Table>
      </TableContainer>
      <Typography variant="h6" component="h2">
        Matching events
      </Typography>
      {events.length ? (
        <LogResultsTable events={events} label="Matching events" />
      ) : (
        <Typography variant="body2" color="text.secondary">
          The matching events are no longer stored (retention), or the rule
          matched on a correlation only.
        </Typography>
      )}
      <ActionDialog
        action={action}
        busy={state.loading}
        error={state.error}
        onCancel={() => setAction(undefined)}
        onConfirm={note => action && run(action, note)}
      />
    </Stack>
  );
}

/** `/logs/detections/:id`: one detection, its rule and events, and its handling. */
export function DetectionPage() {
  const { id = '' } = useParams();
  const api = useApi(logSearchApiRef);
  const detectionsLink = useRouteRef(detectionsRouteRef);
  const loaded = useAsync(() => api.getDetection(id), [api, id]);
  const [response, setResponse] = useState<DetectionResponse>();
  useEffect(() => setResponse(loaded.value), [loaded.value]);

  let body: JSX.Element;
  if (loaded.loading) {
    body = <Progress />;
  } else if (loaded.error) {
    body = (
      <Alert severity="error">
        The detection could not be loaded: {describeError(loaded.error)}
      </Alert>
    );
  } else if (response) {
    body = <DetectionDetails response={response} onChange={setResponse} />;
  } else {
    body = <Progress />;
  }
  return (
    <Content>
      <Link
        component={RouterLink}
        to={detectionsLink?.() ?? '/logs/detections'}
        sx={{ display: 'inline-block', mb: 2 }}
      >
        ← All detections
      </Link>
      {body}
    </Content>
  );
}
