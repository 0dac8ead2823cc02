import { Content, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import {
  Detection,
  DETECTION_LEVELS,
  DetectionLevel,
  DetectionStatus,
} from '@pilothouse/plugin-log-search-common';
import { useMemo } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { logSearchApiRef } from '../../api';
import { describeError } from '../../describeError';
import {
  attackTag,
  bySeverityThenRecency,
  LEVELS_BY_SEVERITY,
} from '../../detections';
import { detectionRouteRef } from '../../routes';
import { LogSearchTabs } from '../LogsPage/LogSearchTabs';
import { LevelChip, StatusChip } from './LevelChip';

const STATUSES: Array<DetectionStatus | 'any'> = [
  'open',
  'acknowledged',
  'resolved',
  'any',
];
const SINCE = [
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
];

interface Filters {
  status: DetectionStatus | 'any';
  level: DetectionLevel | '';
  rule: string;
  entity: string;
  since: string;
}

/** Read from and written to the URL, so a filtered list can be shared. */
function filtersOf(params: URLSearchParams): Filters {
  const status = params.get('status') ?? 'open';
  const level = params.get('level') ?? '';
  const since = params.get('since') ?? '';
  return {
    status: (STATUSES as string[]).includes(status)
      ? (status as Filters['status'])
      : 'open',
    level: (DETECTION_LEVELS as readonly string[]).includes(level)
      ? (level as DetectionLevel)
      : '',
    rule: params.get('rule') ?? '',
    entity: params.get('entity') ?? '',
    since: SINCE.some(s => s.value === since) ? since : '',
  };
}

function FilterSelect(props: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
  anyLabel?: string;
}) {
  return (
    <TextField
      select
      size="small"
      label={props.label}
      value={props.value}
      onChange={event => props.onChange(event.target.value)}
      sx={{ minWidth: 180 }}
    >
      {props.anyLabel !== undefined && (
        <MenuItem value="">{props.anyLabel}</MenuItem>
      )}
      {props.options.map(option => (
        <MenuItem key={option.value} value={option.value}>
          {option.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

export function AttackTags(props: { tags: string[] }) {
  return (
    <Stack direction="row" spacing={0.5} useFlexGap flexWrap="wrap">
      {props.tags.map(tag => {
        const { label, url } = attackTag(tag);
        return url ? (
          <Chip
            key={tag}
            size="small"
            label={label}
            component="a"
            href={url}
            target="_blank"
            rel="noopener noreferrer"
            clickable
          />
        ) : (
          <Chip key={tag} size="small" variant="outlined" label={label} />
        );
      })}
    </Stack>
  );
}

function DetectionRows(props: { detections: Detection[] }) {
  const detectionLink = useRouteRef(detectionRouteRef);
  return (
    <>
      {props.detections.map(detection => (
        <TableRow key={detection.id} hover>
          <TableCell>
            <LevelChip level={detection.level} />
          </TableCell>
          <TableCell>
            <Link
              component={RouterLink}
              to={
                detectionLink?.({ id: detection.id }) ??
                `/logs/detections/${encodeURIComponent(detection.id)}`
              }
            >
              {detection.ruleTitle}
            </Link>
            <Typography
              variant="caption"
              display="block"
              color="text.secondary"
            >
              {detection.groupKey}
            </Typography>
          </TableCell>
          <TableCell>
            {detection.entityRef ? (
              <EntityRefLink entityRef={detection.entityRef} />
            ) : (
              '—'
            )}
          </TableCell>
          <TableCell align="right">{detection.count}</TableCell>
          <TableCell sx={{ whiteSpace: 'nowrap' }}>
            {new Date(detection.lastSeen).toLocaleString()}
          </TableCell>
          <TableCell>
            <StatusChip status={detection.status} />
          </TableCell>
          <TableCell>
            <AttackTags tags={detection.attack} />
          </TableCell>
        </TableRow>
      ))}
    </>
  );
}

/**
 * `/logs/detections`: what the Sigma rules found, most severe first, with
 * counts per level and filters by status, level, rule and entity.
 */
export function DetectionsPage() {
  const api = useApi(logSearchApiRef);
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const sinceMs = SINCE.find(s => s.value === filters.since)?.ms;

  // Level and rule are filtered here, so the counts per level stay visible.
  const detections = useAsync(
    () =>
      api.listDetections({
        status: filters.status === 'any' ? undefined : filters.status,
        entityRef: filters.entity || undefined,
        since: sinceMs
          ? new Date(Date.now() - sinceMs).toISOString()
          : undefined,
      }),
    [api, filters.status, filters.entity, sinceMs],
  );
  const rules = useAsync(() => api.listRules(), [api]);

  const items = useMemo(
    () => [...(detections.value ?? [])].sort(bySeverityThenRecency),
    [detections.value],
  );
  const byRule = items.filter(d => !filters.rule || d.ruleId === filters.rule);
  const shown = byRule.filter(d => !filters.level || d.level === filters.level);
  const counts = new Map<DetectionLevel, number>();
  for (const d of byRule) counts.set(d.level, (counts.get(d.level) ?? 0) + 1);
  const ruleOptions = [
    ...new Map(items.map(d => [d.ruleId, d.ruleTitle])).entries(),
  ]
    .map(([value, label]) => ({ value, label }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const entityOptions = [
    ...new Set(
      [...items.map(d => d.entityRef), filters.entity].filter(
        (ref): ref is string => !!ref,
      ),
    ),
  ]
    .sort()
    .map(ref => ({ value: ref, label: ref }));

  const setFilter = (key: keyof Filters, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  let body: JSX.Element;
  if (detections.loading) {
    body = <Progress />;
  } else if (detections.error) {
    body = (
      <Alert severity="error">
        The detections could not be loaded: {describeError(detections.error)}
      </Alert>
    );
  } else if (items.length === 0) {
    body = (
      <Alert severity="success">
        No {filters.status === 'any' ? '' : `${filters.status} `}detections
        {filters.entity ? ` for ${filters.entity}` : ''}. The rules run on every
        event as it is ingested; what they find shows here.
      </Alert>
    );
  } else {
    body = (
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-label="Detections">
          <TableHead>
            <TableRow>
              <TableCell>Level</TableCell>
              <TableCell>Rule</TableCell>
              <TableCell>Entity</TableCell>
              <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                Events
              </TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>Last seen</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>ATT&amp;CK</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {shown.length === 0 && (
              <TableRow>
                <TableCell colSpan={7}>
                  Nothing matches these filters.{' '}
                  <Button size="small" onClick={() => setParams({})}>
                    Clear filters
                  </Button>
                </TableCell>
              </TableRow>
            )}
            <DetectionRows detections={shown} />
          </TableBody>
        </Table>
      </TableContainer>
    );
  }

  return (
    <Content>
      <LogSearchTabs current="detections" />
      <Stack spacing={2}>
        <Stack
          direction="row"
          spacing={1}
          useFlexGap
          flexWrap="wrap"
          role="group"
          aria-label="Detections per level"
        >
          {LEVELS_BY_SEVERITY.map(level => {
            const count = counts.get(level) ?? 0;
            const selected = filters.level === level;
            return (
              <Chip
                key={level}
                label={`${level}: ${count}`}
                aria-pressed={selected}
                color={selected ? 'primary' : 'default'}
                variant={selected ? 'filled' : 'outlined'}
                onClick={() => setFilter('level', selected ? '' : level)}
              />
            );
          })}
        </Stack>
        <Stack
          direction="row"
          spacing={2}
          useFlexGap
          flexWrap="wrap"
          role="group"
          aria-label="Filters"
        >
          <FilterSelect
            label="Status"
            value={filters.status}
            options={STATUSES.map(s => ({ value: s, label: s }))}
            onChange={value =>
              setFilter('status', value === 'open' ? '' : value)
            }
          />
          <FilterSelect
            label="Level"
            value={filters.level}
            anyLabel="Any"
            options={LEVELS_BY_SEVERITY.map(l => ({ value: l, label: l }))}
            onChange={value => setFilter('level', value)}
          />
          <FilterSelect
            label="Rule"
            value={
              ruleOptions.some(r => r.value === filters.rule)
                ? filters.rule
                : ''
            }
            anyLabel="Any"
            options={ruleOptions}
            onChange={value => setFilter('rule', value)}
          />
          <FilterSelect
            label="Entity"
            value={filters.entity}
            anyLabel="Any"
            options={entityOptions}
            onChange={value => setFilter('entity', value)}
          />
          <FilterSelect
            label="Last seen"
            value={filters.since}
            anyLabel="Any time"
            options={SINCE.map(s => ({ value: s.value, label: s.label }))}
            onChange={value => setFilter('since', value)}
          />
        </Stack>
        {body}
        {rules.value && (
          <Typography variant="body2" color="text.secondary">
            Rules:{' '}
            {rules.value.packs
              .map(
                pack =>
                  `${pack.pack} ${pack.supported} of ${pack.loaded} running`,
              )
              .join(' · ') || 'none loaded'}
            .
          </Typography>
        )}
      </Stack>
    </Content>
  );
}
