import { useEffect, useState } from 'react';
import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import Grid from '@mui/material/Grid';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import type {
  Direction,
  InspectResponse,
} from '@pilothouse/plugin-llm-gateway-common';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { llmGatewayApiRef } from '../../api';
import { DecisionChip } from '../DecisionChip';
import { EntityRefPicker } from '../EntityRefPicker';
import { FindingHighlight, findingColor } from '../FindingHighlight';
import { GatewayAccessGate, useGatewayAccess } from '../GatewayAccess';

/** Try a text against the gateway's detectors and policy; nothing is sent to a model. */
export function PlaygroundTab() {
  return (
    <GatewayAccessGate>
      <Playground />
    </GatewayAccessGate>
  );
}

function Playground() {
  const api = useApi(llmGatewayApiRef);
  const identityApi = useApi(identityApiRef);
  const { canEdit } = useGatewayAccess();

  const [text, setText] = useState('');
  const [direction, setDirection] = useState<Direction>('input');
  const [user, setUser] = useState('');
  const [entityRef, setEntityRef] = useState('');

  const self = useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  );
  useEffect(() => {
    if (self.value) setUser(current => current || self.value!);
  }, [self.value]);

  const [inspection, inspect] = useAsyncFn(async () => {
    const response = await api.inspect({
      text,
      direction,
      entityRef: entityRef || undefined,
      asUser: canEdit && user ? user : undefined,
    });
    // Offsets refer to the text as sent, which may be edited afterwards.
    return { inspectedText: text, response };
  }, [api, text, direction, entityRef, user, canEdit]);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title="Try a text before changing anything">
          <Stack spacing={2}>
            <TextField
              label="Text to inspect"
              placeholder="Paste a prompt, a tool result or a model answer"
              multiline
              minRows={6}
              value={text}
              onChange={event => setText(event.target.value)}
              inputProps={{ spellCheck: false }}
              InputProps={{ sx: { fontFamily: 'monospace' } }}
            />
            <Grid container spacing={2} alignItems="flex-start">
              <Grid item xs={12} md="auto">
                <ToggleButtonGroup
                  exclusive
                  size="small"
                  value={direction}
                  onChange={(_event, next: Direction | null) =>
                    next && setDirection(next)
                  }
                  aria-label="Direction"
                >
                  <ToggleButton value="input">To the model</ToggleButton>
                  <ToggleButton value="output">From the model</ToggleButton>
                </ToggleButtonGroup>
              </Grid>
              <Grid item xs={12} md={4}>
                <EntityRefPicker
                  kind="User"
                  label="User"
                  value={user}
                  onChange={setUser}
                  disabled={!canEdit}
                  helperText={
                    canEdit
                      ? 'Inspect and evaluate as this user'
                      : 'You inspect as yourself; only platform admins can pick another user'
                  }
                />
              </Grid>
              <Grid item xs={12} md={4}>
                <EntityRefPicker
                  kind="Component"
                  label="Entity"
                  value={entityRef}
                  onChange={setEntityRef}
                  helperText="Its data classification applies to the text"
                />
              </Grid>
            </Grid>
            <Box>
              <Button
                variant="contained"
                onClick={() => inspect()}
                disabled={!text.trim() || inspection.loading}
              >
                {inspection.loading ? 'Inspecting…' : 'Inspect'}
              </Button>
            </Box>
          </Stack>
        </InfoCard>
      </Grid>

      {inspection.error && (
        <Grid item xs={12}>
          <ResponseErrorPanel
            title="The gateway could not inspect the text"
            error={inspection.error}
          />
        </Grid>
      )}
      {inspection.value && !inspection.error && (
        <InspectionResult
          inspectedText={inspection.value.inspectedText}
          response={inspection.value.response}
        />
      )}

      <Grid item xs={12}>
        <PolicyEvaluation user={user} entityRef={entityRef} />
      </Grid>
    </Grid>
  );
}

function InspectionResult(props: {
  inspectedText: string;
  response: InspectResponse;
}) {
  const { inspectedText, response } = props;
  const blocked = response.findings.some(f => f.action === 'block');
  return (
    <>
      <Grid item xs={12}>
        <Stack
          direction="row"
          spacing={2}
          alignItems="center"
          aria-label="Decision"
          sx={{ flexWrap: 'wrap' }}
        >
          <DecisionChip decision={response.decision} />
          <Chip
            variant="outlined"
            label={`Data class: ${response.dataClass}`}
          />
          <Typography>
            {response.reason ??
              (response.findings.length === 0
                ? 'No findings: the text would pass unchanged.'
                : `${response.findings.length} finding${
                    response.findings.length === 1 ? '' : 's'
                  }.`)}
          </Typography>
        </Stack>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Findings in the text">
          <FindingHighlight text={inspectedText} findings={response.findings} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard
          title="Transformed text"
          subheader={
            blocked || response.decision === 'deny'
              ? 'The request would be refused; this text would not be sent.'
              : 'What the model or the user would receive.'
          }
        >
          <Box
            component="pre"
            aria-label="Transformed text"
            sx={{
              m: 0,
              p: 1.5,
              whiteSpace: 'pre-wrap',
              wordBreak: 'break-word',
              fontFamily: 'monospace',
              fontSize: '0.875rem',
              bgcolor: 'action.hover',
              borderRadius: 1,
            }}
          >
            {response.text}
          </Box>
        </InfoCard>
      </Grid>
      {response.findings.length > 0 && (
        <Grid item xs={12}>
          <InfoCard title="Findings">
            <Table size="small" aria-label="Findings">
              <TableHead>
                <TableRow>
                  <TableCell>Type</TableCell>
                  <TableCell>Text</TableCell>
                  <TableCell>Position</TableCell>
                  <TableCell>Confidence</TableCell>
                  <TableCell>Action</TableCell>
                  <TableCell>Detector</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {response.findings.map((finding, index) => (
                  <TableRow key={index}>
                    <TableCell>
                      <Chip
                        size="small"
                        label={
                          finding.subtype
                            ? `${finding.type} (${finding.subtype})`
                            : finding.type
                        }
                        sx={{
                          bgcolor: findingColor(finding.type),
                          color: '#000',
                        }}
                      />
                    </TableCell>
                    <TableCell sx={{ fontFamily: 'monospace' }}>
                      {inspectedText.slice(finding.start, finding.end)}
                    </TableCell>
                    <TableCell>
                      {finding.start}–{finding.end}
                    </TableCell>
                    <TableCell>
                      {Math.round(finding.confidence * 100)}%
                    </TableCell>
                    <TableCell>{finding.action}</TableCell>
                    <TableCell>{finding.detector}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </InfoCard>
        </Grid>
      )}
    </>
  );
}

const approvalText = {
  confirm: 'The requester must confirm.',
  approval: 'A second person with the approver role must approve.',
};

/** `kubernetes.scale_deployment` as the server and tool name policy sees. */
function toolOf(target: string) {
  const text = target.trim();
  const dot = text.indexOf('.');
  return dot > 0
    ? { server: text.slice(0, dot), name: text.slice(dot + 1) }
    : { server: '', name: text };
}

/** What policy would decide for the chosen user and entity, for a model or a tool. */
function PolicyEvaluation(props: { user: string; entityRef: string }) {
  const { user, entityRef } = props;
  const api = useApi(llmGatewayApiRef);
  const [kind, setKind] = useState<'model' | 'tool'>('tool');
  const [target, setTarget] = useState('');
  const [readOnly, setReadOnly] = useState(false);

  const [evaluation, evaluate] = useAsyncFn(async () => {
    const { decision } = await api.evaluatePolicy({
      user,
      request: {
        kind,
        ...(kind === 'model'
          ? { model: target.trim() || undefined }
          : { tool: { ...toolOf(target), readOnly } }),
        entityRef: entityRef || undefined,
      },
    });
    return decision;
  }, [api, user, entityRef, kind, target, readOnly]);

  return (
    <InfoCard title="Evaluate policy">
      <Stack spacing={2}>
        <Typography variant="body2" color="text.secondary">
          What policy would decide for the user and entity above, before any
          call is made.
        </Typography>
        <Stack direction={{ xs: 'column', md: 'row' }} spacing={2}>
          <TextField
            select
            label="Request"
            value={kind}
            onChange={event => setKind(event.target.value as 'model' | 'tool')}
            sx={{ minWidth: 160 }}
          >
            <MenuItem value="tool">Tool call</MenuItem>
            <MenuItem value="model">Model call</MenuItem>
          </TextField>
          <TextField
            label={kind === 'tool' ? 'Tool' : 'Model'}
            placeholder={
              kind === 'tool'
                ? 'kubernetes.scale_deployment'
                : 'leave empty to let routing choose'
            }
            value={target}
            onChange={event => setTarget(event.target.value)}
            sx={{ flexGrow: 1 }}
          />
          {kind === 'tool' && (
            <FormControlLabel
              label="Read-only tool"
              control={
                <Checkbox
                  checked={readOnly}
                  onChange={event => setReadOnly(event.target.checked)}
                />
              }
            />
          )}
          <Box>
            <Button
              variant="outlined"
              onClick={() => evaluate()}
              disabled={
                !user ||
                (kind === 'tool' && !target.trim()) ||
                evaluation.loading
              }
            >
              Evaluate policy
            </Button>
          </Box>
        </Stack>
        {evaluation.error && (
          <ResponseErrorPanel
            title="Policy could not be evaluated"
            error={evaluation.error}
          />
        )}
        {evaluation.value && !evaluation.error && (
          <Stack
            direction="row"
            spacing={2}
            alignItems="center"
            aria-label="Policy decision"
            sx={{ flexWrap: 'wrap' }}
          >
            <DecisionChip decision={evaluation.value.decision} />
            <Typography>{evaluation.value.reason}</Typography>
            <Typography variant="body2" color="text.secondary">
              Rule: {evaluation.value.rule}
            </Typography>
            {evaluation.value.approval && (
              <Typography variant="body2">
                {approvalText[evaluation.value.approval]}
              </Typography>
            )}
          </Stack>
        )}
      </Stack>
    </InfoCard>
  );
}
