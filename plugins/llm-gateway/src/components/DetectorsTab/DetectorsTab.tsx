import { useEffect, useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type {
  DetectorSetting,
  DlpRule,
} from '@pilothouse/plugin-llm-gateway-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { llmGatewayApiRef } from '../../api';
import { describeError } from '../../describeError';
import {
  GatewayAccessGate,
  ReadOnlyNote,
  useGatewayAccess,
} from '../GatewayAccess';
import { useLastDefined } from '../../hooks/useLastDefined';
import { ActionSelect } from './ActionSelect';
import { DlpRuleDialog } from './DlpRuleDialog';

/** Built-in detectors and custom DLP rules, with what each does per direction. */
export function DetectorsTab() {
  return (
    <GatewayAccessGate>
      <ReadOnlyNote />
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <DetectorsCard />
        </Grid>
        <Grid item xs={12}>
          <DlpRulesCard />
        </Grid>
      </Grid>
    </GatewayAccessGate>
  );
}

function DetectorsCard() {
  const api = useApi(llmGatewayApiRef);
  const alertApi = useApi(alertApiRef);
  const { canEdit } = useGatewayAccess();
  const loaded = useAsyncRetry(() => api.listDetectors(), [api]);
  const [detectors, setDetectors] = useState<DetectorSetting[]>();
  const [saving, setSaving] = useState<string>();
  const [saveError, setSaveError] = useState<string>();

  useEffect(() => {
    if (loaded.value) setDetectors(loaded.value);
  }, [loaded.value]);

  const update = async (next: DetectorSetting) => {
    const before = detectors;
    const replace = (list: DetectorSetting[] | undefined, d: DetectorSetting) =>
      list?.map(item => (item.type === d.type ? d : item));
    setDetectors(list => replace(list, next));
    setSaving(next.type);
    setSaveError(undefined);
    try {
      const saved = await api.updateDetector(next);
      setDetectors(list => replace(list, saved ?? next));
      alertApi.post({
        message: `Saved the ${next.type} detector`,
        severity: 'success',
        display: 'transient',
      });
    } catch (error) {
      setDetectors(before);
      setSaveError(`Could not change ${next.type}: ${describeError(error)}`);
    } finally {
      setSaving(undefined);
    }
  };

  if (loaded.loading && !detectors) return <Progress />;
  if (loaded.error) {
    return (
      <ResponseErrorPanel
        title="Could not load the detectors"
        error={loaded.error}
      />
    );
  }
  return (
    <InfoCard
      title="Detectors"
      subheader="What the gateway looks for, and what it does with what it finds, towards the model (input) and back (output)."
    >
      {saveError && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {saveError}
        </Alert>
      )}
      {!detectors || detectors.length === 0 ? (
        <EmptyState
          missing="data"
          title="No detectors"
          description="The gateway reported no detectors. Is the gateway backend running?"
        />
      ) : (
        <Table size="small" aria-label="Detectors">
          <TableHead>
            <TableRow>
              <TableCell>Detector</TableCell>
              <TableCell>Enabled</TableCell>
              <TableCell>On input</TableCell>
              <TableCell>On output</TableCell>
              <TableCell>Minimum confidence</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {detectors.map(detector => (
              <DetectorRow
                key={detector.type}
                detector={detector}
                disabled={!canEdit || saving === detector.type}
                onChange={update}
              />
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

function DetectorRow(props: {
  detector: DetectorSetting;
  disabled: boolean;
  onChange: (next: DetectorSetting) => void;
}) {
  const { detector, disabled, onChange } = props;
  const [confidence, setConfidence] = useState(String(detector.minConfidence));
  useEffect(
    () => setConfidence(String(detector.minConfidence)),
    [detector.minConfidence],
  );
  const parsed = Number(confidence);
  const confidenceValid =
    confidence.trim() !== '' && parsed >= 0 && parsed <= 1;

  return (
    <TableRow>
      <TableCell>
        <Stack direction="row" spacing={1} alignItems="center">
          <Typography fontWeight="bold">{detector.type}</Typography>
          {!detector.builtin && <Chip size="small" label="custom rule" />}
        </Stack>
        {detector.description && (
          <Typography variant="body2" color="text.secondary">
            {detector.description}
          </Typography>
        )}
      </TableCell>
      <TableCell>
        <Switch
          checked={detector.enabled}
          disabled={disabled}
          inputProps={{ 'aria-label': `${detector.type} enabled` }}
          onChange={event =>
            onChange({ ...detector, enabled: event.target.checked })
          }
        />
      </TableCell>
      {(['input', 'output'] as const).map(direction => (
        <TableCell key={direction}>
          <ActionSelect
            label={direction === 'input' ? 'On input' : 'On output'}
            type={detector.type}
            value={detector.actions[direction]}
            disabled={disabled}
            onChange={action =>
              onChange({
                ...detector,
                actions: { ...detector.actions, [direction]: action },
              })
            }
          />
        </TableCell>
      ))}
      <TableCell>
        <TextField
          size="small"
          type="number"
          value={confidence}
          disabled={disabled}
          error={!confidenceValid}
          helperText={confidenceValid ? undefined : 'Between 0 and 1'}
          inputProps={{
            min: 0,
            max: 1,
            step: 0.05,
            'aria-label': `${detector.type} minimum confidence`,
          }}
          onChange={event => setConfidence(event.target.value)}
          onBlur={() => {
            if (confidenceValid && parsed !== detector.minConfidence) {
              onChange({ ...detector, minConfidence: parsed });
            }
          }}
          sx={{ width: 110 }}
        />
      </TableCell>
    </TableRow>
  );
}

function describeMatch(rule: DlpRule) {
  if (rule.pattern) {
    return `/${rule.pattern}/${rule.caseInsensitive ? 'i' : ''}`;
  }
  return (rule.dictionary ?? []).join(', ');
}

function DlpRulesCard() {
  const api = useApi(llmGatewayApiRef);
  const alertApi = useApi(alertApiRef);
  const { canEdit } = useGatewayAccess();
  const loaded = useAsyncRetry(() => api.listRules(), [api]);
  const [rules, setRules] = useState<DlpRule[]>();
  const [editing, setEditing] = useState<{ index?: number }>();
  const [deleting, setDeleting] = useState<DlpRule>();
  const deleteShown = useLastDefined(deleting);
  const [deleteError, setDeleteError] = useState<string>();

  useEffect(() => {
    if (loaded.value) setRules(loaded.value);
  }, [loaded.value]);

  // The server validates the whole list; a rejection is shown where the change was made.
  const saveRules = async (next: DlpRule[]) => {
    const saved = await api.replaceRules(next);
    setRules(Array.isArray(saved) ? saved : next);
  };

  if (loaded.loading && !rules) return <Progress />;
  if (loaded.error) {
    return (
      <ResponseErrorPanel
        title="Could not load the DLP rules"
        error={loaded.error}
      />
    );
  }
  const list = rules ?? [];
  const editedRule =
    editing?.index === undefined ? undefined : list[editing.index];

  return (
    <InfoCard
      title="Custom DLP rules"
      subheader="Your own finding types: a regular expression or a list of words, with a data class and actions."
    >
      {deleteError && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {deleteError}
        </Alert>
      )}
      {list.length === 0 ? (
        <EmptyState
          missing="content"
          title="No custom rules yet"
          description="Add a rule to find project code names, internal host names or customer identifiers."
        />
      ) : (
        <Table size="small" aria-label="Custom DLP rules">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Matches</TableCell>
              <TableCell>Data class</TableCell>
              <TableCell>On input</TableCell>
              <TableCell>On output</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {list.map((rule, index) => (
              <TableRow key={rule.name}>
                <TableCell>
                  <Typography fontWeight="bold">{rule.name}</Typography>
                  {rule.description && (
                    <Typography variant="body2" color="text.secondary">
                      {rule.description}
                    </Typography>
                  )}
                </TableCell>
                <TableCell sx={{ fontFamily: 'monospace' }}>
                  {describeMatch(rule)}
                </TableCell>
                <TableCell>{rule.dataClass}</TableCell>
                <TableCell>{rule.actions.input}</TableCell>
                <TableCell>{rule.actions.output}</TableCell>
                <TableCell align="right">
                  <Button
                    size="small"
                    disabled={!canEdit}
                    onClick={() => setEditing({ index })}
                  >
                    Edit
                  </Button>
                  <Button
                    size="small"
                    color="error"
                    disabled={!canEdit}
                    onClick={() => setDeleting(rule)}
                  >
                    Delete
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Box sx={{ mt: 2 }}>
        <Button
          variant="contained"
          disabled={!canEdit}
          onClick={() => setEditing({})}
        >
          Add rule
        </Button>
      </Box>

      {editing && (
        <DlpRuleDialog
          rule={editedRule}
          takenNames={list
            .filter((_, index) => index !== editing.index)
            .map(rule => rule.name)}
          onClose={() => setEditing(undefined)}
          onSave={async rule => {
            const next =
              editing.index === undefined
                ? [...list, rule]
                : list.map((r, index) => (index === editing.index ? rule : r));
            await saveRules(next);
            setEditing(undefined);
            alertApi.post({
              message: `Saved the rule ${rule.name}`,
              severity: 'success',
              display: 'transient',
            });
          }}
        />
      )}

      <Dialog open={!!deleting} onClose={() => setDeleting(undefined)}>
        <DialogTitle>Delete the rule {deleteShown?.name}?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            The gateway stops finding {deleteShown?.name} in new requests. Past
            audit records keep their counts.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setDeleting(undefined)}>Cancel</Button>
          <Button
            color="error"
            onClick={async () => {
              const rule = deleting!;
              setDeleting(undefined);
              setDeleteError(undefined);
              try {
                await saveRules(list.filter(r => r.name !== rule.name));
              } catch (error) {
                setDeleteError(
                  `Could not delete ${rule.name}: ${describeError(error)}`,
                );
              }
            }}
          >
            Delete
          </Button>
        </DialogActions>
      </Dialog>
    </InfoCard>
  );
}
