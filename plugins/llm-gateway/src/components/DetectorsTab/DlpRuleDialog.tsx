import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import {
  BUILTIN_FINDING_TYPES,
  DATA_CLASSES,
  DataClass,
  DlpRule,
  FindingAction,
} from '@pilothouse/plugin-llm-gateway-common';
import { describeError } from '../../describeError';
import { ActionSelect } from './ActionSelect';

interface RuleForm {
  name: string;
  description: string;
  matchBy: 'pattern' | 'dictionary';
  pattern: string;
  caseInsensitive: boolean;
  words: string;
  dataClass: DataClass;
  input: FindingAction;
  output: FindingAction;
}

function formOf(rule?: DlpRule): RuleForm {
  return {
    name: rule?.name ?? '',
    description: rule?.description ?? '',
    matchBy: rule?.dictionary?.length ? 'dictionary' : 'pattern',
    pattern: rule?.pattern ?? '',
    caseInsensitive: rule?.caseInsensitive ?? false,
    words: (rule?.dictionary ?? []).join('\n'),
    dataClass: rule?.dataClass ?? 'confidential',
    input: rule?.actions.input ?? 'redact',
    output: rule?.actions.output ?? 'redact',
  };
}

function wordsOf(form: RuleForm) {
  return form.words
    .split('\n')
    .map(word => word.trim())
    .filter(Boolean);
}

/** The mistakes the page can see before asking the server. */
function checkForm(form: RuleForm, takenNames: string[]) {
  const problems: Partial<Record<'name' | 'pattern' | 'words', string>> = {};
  if (!/^[A-Z][A-Z0-9_]*$/.test(form.name)) {
    problems.name =
      'Upper-case letters, digits and underscores, starting with a letter, e.g. PROJECT_CODENAME';
  } else if (
    takenNames.includes(form.name) ||
    (BUILTIN_FINDING_TYPES as readonly string[]).includes(form.name)
  ) {
    problems.name = `${form.name} is already a finding type`;
  }
  if (form.matchBy === 'pattern') {
    try {
      const regex = new RegExp(
        form.pattern,
        form.caseInsensitive ? 'giu' : 'gu',
      );
      if (!form.pattern) problems.pattern = 'Enter a regular expression';
      else if (regex.test('')) {
        problems.pattern = 'The pattern must not match empty text';
      }
    } catch (error) {
      problems.pattern = `Not a valid regular expression: ${
        (error as Error).message
      }`;
    }
  } else if (wordsOf(form).length === 0) {
    problems.words = 'Enter at least one word or phrase';
  }
  return problems;
}

/** Adds or edits one custom DLP rule; the server's objections are listed in the dialog. */
export function DlpRuleDialog(props: {
  rule?: DlpRule;
  takenNames: string[];
  onSave: (rule: DlpRule) => Promise<void>;
  onClose: () => void;
}) {
  const { rule, takenNames, onSave, onClose } = props;
  const [form, setForm] = useState(() => formOf(rule));
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverErrors, setServerErrors] = useState<string[]>([]);
  const problems = checkForm(form, takenNames);
  const shown = touched ? problems : {};
  const set = (change: Partial<RuleForm>) =>
    setForm(current => ({ ...current, ...change }));

  const submit = async () => {
    setTouched(true);
    if (Object.keys(problems).length > 0) return;
    setSaving(true);
    setServerErrors([]);
    try {
      await onSave({
        name: form.name,
        ...(form.description ? { description: form.description } : {}),
        ...(form.matchBy === 'pattern'
          ? { pattern: form.pattern, caseInsensitive: form.caseInsensitive }
          : { dictionary: wordsOf(form) }),
        dataClass: form.dataClass,
        actions: { input: form.input, output: form.output },
      });
    } catch (error) {
      setServerErrors([describeError(error)]);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>{rule ? `Edit ${rule.name}` : 'Add a DLP rule'}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          {serverErrors.length > 0 && (
            <Alert severity="error" role="alert">
              The gateway did not accept the rule:
              <ul style={{ margin: 0 }}>
                {serverErrors.map(message => (
                  <li key={message}>{message}</li>
                ))}
              </ul>
            </Alert>
          )}
          <TextField
            label="Name"
            value={form.name}
            onChange={event => set({ name: event.target.value.toUpperCase() })}
            error={!!shown.name}
            helperText={shown.name ?? 'Becomes the finding type'}
            required
          />
          <TextField
            label="Description"
            value={form.description}
            onChange={event => set({ description: event.target.value })}
          />
          <RadioGroup
            row
            value={form.matchBy}
            onChange={event =>
              set({ matchBy: event.target.value as RuleForm['matchBy'] })
            }
          >
            <FormControlLabel
              value="pattern"
              control={<Radio />}
              label="Regular expression"
            />
            <FormControlLabel
              value="dictionary"
              control={<Radio />}
              label="Words and phrases"
            />
          </RadioGroup>
          {form.matchBy === 'pattern' ? (
            <>
              <TextField
                label="Pattern"
                value={form.pattern}
                onChange={event => set({ pattern: event.target.value })}
                error={!!shown.pattern}
                helperText={
                  shown.pattern ?? 'JavaScript syntax, e.g. \\bPRJ-[0-9]{4}\\b'
                }
                InputProps={{ sx: { fontFamily: 'monospace' } }}
              />
              <FormControlLabel
                control={
                  <Checkbox
                    checked={form.caseInsensitive}
                    onChange={event =>
                      set({ caseInsensitive: event.target.checked })
                    }
                  />
                }
                label="Ignore case"
              />
            </>
          ) : (
            <TextField
              label="Words and phrases"
              multiline
              minRows={3}
              value={form.words}
              onChange={event => set({ words: event.target.value })}
              error={!!shown.words}
              helperText={
                shown.words ??
                'One per line; matched as whole words, ignoring case'
              }
            />
          )}
          <TextField
            select
            label="Data class"
            value={form.dataClass}
            onChange={event =>
              set({ dataClass: event.target.value as DataClass })
            }
            helperText="A finding raises the request's data class to this"
          >
            {DATA_CLASSES.map(dataClass => (
              <MenuItem key={dataClass} value={dataClass}>
                {dataClass}
              </MenuItem>
            ))}
          </TextField>
          <Stack direction="row" spacing={2}>
            <ActionSelect
              label="On input"
              type={form.name}
              value={form.input}
              onChange={input => set({ input })}
              fullWidth
            />
            <ActionSelect
              label="On output"
              type={form.name}
              value={form.output}
              onChange={output => set({ output })}
              fullWidth
            />
          </Stack>
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" onClick={submit} disabled={saving}>
          {saving ? 'Saving…' : 'Save rule'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
