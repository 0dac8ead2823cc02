import { ChangeEvent, useRef, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type {
  PolicyDocument,
  PolicyValidationError,
} from '@pilothouse/plugin-llm-gateway-common';
import { llmGatewayApiRef } from '../../api';
import { describeError } from '../../describeError';
import { useGatewayAccess } from '../GatewayAccess';

const originVerbs: Record<PolicyDocument['origin'], string> = {
  file: 'loaded from the repository',
  admin: 'edited',
  restore: 'restored',
};

function describeValidationError(error: PolicyValidationError) {
  const where = error.line ? `Line ${error.line}: ` : '';
  const path = error.path ? ` (${error.path})` : '';
  return `${where}${error.message}${path}`;
}

/** Character offsets of a 1-based line, to put the cursor on it. */
function lineRange(source: string, line: number) {
  const lines = source.split('\n');
  const start = lines
    .slice(0, line - 1)
    .reduce((offset, text) => offset + text.length + 1, 0);
  return { start, end: start + (lines[line - 1]?.length ?? 0) };
}

/**
 * The policy's YAML with line numbers. Saving needs a validation of exactly
 * the text being saved that found no errors; the server checks again.
 */
export function PolicyEditor(props: {
  policy: PolicyDocument;
  onSaved: (policy: PolicyDocument) => void;
}) {
  const { policy, onSaved } = props;
  const api = useApi(llmGatewayApiRef);
  const alertApi = useApi(alertApiRef);
  const { canEdit } = useGatewayAccess();
  const editorRef = useRef<HTMLTextAreaElement>(null);

  const [draft, setDraft] = useState(policy.source);
  const [comment, setComment] = useState('');
  const [validation, setValidation] = useState<{
    source: string;
    errors: PolicyValidationError[];
  }>();
  const [busy, setBusy] = useState<'validating' | 'saving'>();
  const [failure, setFailure] = useState<string>();

  const dirty = draft !== policy.source;
  const checked = validation?.source === draft ? validation : undefined;
  const invalid = !!checked && checked.errors.length > 0;
  const errorLines = new Set(checked?.errors.map(e => e.line) ?? []);
  const lineCount = draft.split('\n').length;

  const validate = async () => {
    const source = draft;
    setBusy('validating');
    setFailure(undefined);
    try {
      const errors = await api.validatePolicy(policy.name, source);
      setValidation({ source, errors });
      return errors;
    } catch (error) {
      setFailure(`Could not validate the policy: ${describeError(error)}`);
      return undefined;
    } finally {
      setBusy(undefined);
    }
  };

  const save = async () => {
    const source = draft;
    const errors = checked ? checked.errors : await validate();
    if (!errors || errors.length > 0) return;
    setBusy('saving');
    setFailure(undefined);
    try {
      const saved = await api.savePolicy(policy.name, {
        source,
        comment: comment.trim() || undefined,
        // Refused (409) when someone saved a newer version meanwhile.
        baseVersion: policy.version,
      });
      alertApi.post({
        message: `Saved ${saved.name} as version ${saved.version}`,
        severity: 'success',
        display: 'transient',
      });
      setBusy(undefined);
      onSaved(saved);
    } catch (error) {
      setFailure(`Could not save the policy: ${describeError(error)}`);
      setBusy(undefined);
    }
  };

  const goToLine = (line: number) => {
    const editor = editorRef.current;
    if (!editor) return;
    const { start, end } = lineRange(draft, line);
    editor.focus();
    editor.setSelectionRange(start, end);
  };

  return (
    <InfoCard
      title={`Policy: ${policy.name}`}
      subheader={`Version ${policy.version}, ${originVerbs[policy.origin]} by ${
        policy.author
      }, ${new Date(policy.time).toLocaleString()}`}
    >
      <Stack spacing={2}>
        <Box
          sx={{
            display: 'flex',
            border: 1,
            borderColor: 'divider',
            borderRadius: 1,
            overflow: 'hidden',
            fontFamily: 'monospace',
            fontSize: '0.8125rem',
            lineHeight: 1.5,
          }}
        >
          <Box
            component="pre"
            aria-hidden
            sx={{
              m: 0,
              py: 1,
              px: 1,
              textAlign: 'right',
              color: 'text.secondary',
              bgcolor: 'action.hover',
              userSelect: 'none',
              font: 'inherit',
            }}
          >
            {Array.from({ length: lineCount }, (_, index) => (
              <Box
                key={index}
                component="span"
                sx={{
                  display: 'block',
                  ...(errorLines.has(index + 1)
                    ? { color: 'error.main', fontWeight: 'bold' }
                    : {}),
                }}
              >
                {index + 1}
              </Box>
            ))}
          </Box>
          <Box
            component="textarea"
            ref={editorRef}
            aria-label="Policy source (YAML)"
            value={draft}
            readOnly={!canEdit}
            spellCheck={false}
            wrap="off"
            rows={Math.max(lineCount, 12)}
            onChange={(event: ChangeEvent<HTMLTextAreaElement>) =>
              setDraft(event.target.value)
            }
            sx={{
              flexGrow: 1,
              m: 0,
              py: 1,
              px: 1,
              border: 0,
              outline: 'none',
              resize: 'none',
              overflowX: 'auto',
              overflowY: 'hidden',
              whiteSpace: 'pre',
              font: 'inherit',
              color: 'text.primary',
              bgcolor: 'background.paper',
            }}
          />
        </Box>

        {failure && <Alert severity="error">{failure}</Alert>}
        {invalid && (
          <Alert severity="error">
            <AlertTitle>
              {checked!.errors.length === 1
                ? '1 problem in this policy'
                : `${checked!.errors.length} problems in this policy`}
            </AlertTitle>
            <Box component="ul" sx={{ m: 0, pl: 2 }}>
              {checked!.errors.map((error, index) => (
                <li key={index}>
                  {error.line ? (
                    <Link
                      component="button"
                      type="button"
                      color="inherit"
                      onClick={() => goToLine(error.line!)}
                      sx={{ textAlign: 'left', verticalAlign: 'baseline' }}
                    >
                      {describeValidationError(error)}
                    </Link>
                  ) : (
                    describeValidationError(error)
                  )}
                </li>
              ))}
            </Box>
          </Alert>
        )}
        {checked && !invalid && (
          <Alert severity="success">No problems found.</Alert>
        )}

        {canEdit && (
          <TextField
            label="Comment"
            placeholder="Why this change, for the history"
            value={comment}
            onChange={event => setComment(event.target.value)}
            size="small"
          />
        )}
        <Stack direction="row" spacing={2} alignItems="center">
          <Button variant="outlined" onClick={validate} disabled={!!busy}>
            {busy === 'validating' ? 'Validating…' : 'Validate'}
          </Button>
          <Button
            variant="contained"
            onClick={save}
            disabled={!canEdit || !dirty || invalid || !!busy}
          >
            {busy === 'saving' ? 'Saving…' : 'Save'}
          </Button>
          <Button
            onClick={() => setDraft(policy.source)}
            disabled={!canEdit || !dirty || !!busy}
          >
            Discard changes
          </Button>
          {invalid && (
            <Typography variant="body2" color="error">
              Fix the problems above before saving.
            </Typography>
          )}
        </Stack>
      </Stack>
    </InfoCard>
  );
}
