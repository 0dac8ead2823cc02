import { useApi } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import IconButton from '@mui/material/IconButton';
import ListItemText from '@mui/material/ListItemText';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { SavedSearch } from '@pilothouse/plugin-log-search-common';
import {
  RiBookmarkLine,
  RiDeleteBinLine,
  RiFolderOpenLine,
} from '@remixicon/react';
import { FormEvent, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { logSearchApiRef } from '../../api';
import { describeError } from '../../describeError';
import {
  describeRange,
  rangeFromSaved,
  rangeToSaved,
  TimeRange,
} from '../../timeRange';

function SaveDialog(props: {
  open: boolean;
  query: string;
  range: TimeRange;
  onClose: () => void;
}) {
  const api = useApi(logSearchApiRef);
  const [name, setName] = useState('');
  const [state, save] = useAsyncFn(async () => {
    const saved = await api.saveSearch({
      name: name.trim(),
      query: props.query,
      range: rangeToSaved(props.range),
    });
    setName('');
    props.onClose();
    return saved;
  }, [api, name, props.query, props.range]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) save();
  };

  return (
    <Dialog open={props.open} onClose={props.onClose} fullWidth maxWidth="sm">
      <form onSubmit={submit} aria-label="Save search">
        <DialogTitle>Save this search</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField
              label="Name"
              size="small"
              value={name}
              onChange={event => setName(event.target.value)}
              required
            />
            <Typography variant="body2" sx={{ fontFamily: 'monospace' }}>
              {props.query || '(everything)'}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {describeRange(props.range)}
            </Typography>
            {state.error && (
              <Alert severity="error">{describeError(state.error)}</Alert>
            )}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button
            type="submit"
            variant="contained"
            disabled={!name.trim() || state.loading}
          >
            Save
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

/** "Save search" and the list of saved ones to load or delete. */
export function SavedSearches(props: {
  query: string;
  range: TimeRange;
  onLoad: (query: string, range: TimeRange) => void;
}) {
  const api = useApi(logSearchApiRef);
  const [saveOpen, setSaveOpen] = useState(false);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [list, load] = useAsyncFn(() => api.listSavedSearches(), [api]);
  const [removal, remove] = useAsyncFn(
    async (search: SavedSearch) => {
      await api.deleteSavedSearch(search.id);
      await load();
    },
    [api, load],
  );

  return (
    <Stack direction="row" spacing={1}>
      <Button
        size="small"
        startIcon={<RiBookmarkLine size={16} />}
        onClick={() => setSaveOpen(true)}
      >
        Save search
      </Button>
      <Button
        size="small"
        startIcon={<RiFolderOpenLine size={16} />}
        onClick={event => {
          setAnchor(event.currentTarget);
          load();
        }}
        aria-haspopup="menu"
      >
        Saved searches
      </Button>
      <Menu
        open={!!anchor}
        anchorEl={anchor}
        onClose={() => setAnchor(null)}
        MenuListProps={{ 'aria-label': 'Saved searches' }}
      >
        {list.loading && <MenuItem disabled>Loading…</MenuItem>}
        {list.error && (
          <MenuItem disabled>
            Could not load them: {describeError(list.error)}
          </MenuItem>
        )}
        {removal.error && (
          <MenuItem disabled>
            Could not delete it: {describeError(removal.error)}
          </MenuItem>
        )}
        {list.value?.length === 0 && (
          <MenuItem disabled>No saved searches yet.</MenuItem>
        )}
        {(list.value ?? []).map(search => (
          <MenuItem
            key={search.id}
            onClick={() => {
              setAnchor(null);
              props.onLoad(search.query, rangeFromSaved(search.range));
            }}
          >
            <ListItemText
              primary={search.name}
              secondary={`${search.query || '(everything)'} · ${describeRange(
                rangeFromSaved(search.range),
              )}`}
              secondaryTypographyProps={{ sx: { fontFamily: 'monospace' } }}
            />
            <IconButton
              size="small"
              edge="end"
              aria-label={`Delete saved search ${search.name}`}
              onClick={event => {
                event.stopPropagation();
                remove(search);
              }}
            >
              <RiDeleteBinLine size={16} />
            </IconButton>
          </MenuItem>
        ))}
      </Menu>
      <SaveDialog
        open={saveOpen}
        query={props.query}
        range={props.range}
        onClose={() => setSaveOpen(false)}
      />
    </Stack>
  );
}
