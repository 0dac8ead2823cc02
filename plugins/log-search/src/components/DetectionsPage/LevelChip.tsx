import Chip from '@mui/material/Chip';
import type {
  DetectionLevel,
  DetectionStatus,
} from '@pilothouse/plugin-log-search-common';

const LEVEL_COLOR: Record<
  DetectionLevel,
  'default' | 'info' | 'warning' | 'error'
> = {
  informational: 'default',
  low: 'info',
  medium: 'warning',
  high: 'error',
  critical: 'error',
};

export function LevelChip(props: { level: DetectionLevel }) {
  return (
    <Chip
      size="small"
      label={props.level}
      color={LEVEL_COLOR[props.level] ?? 'default'}
      variant={props.level === 'critical' ? 'filled' : 'outlined'}
    />
  );
}

const STATUS_COLOR: Record<DetectionStatus, 'warning' | 'default' | 'success'> =
  {
    open: 'warning',
    acknowledged: 'default',
    resolved: 'success',
  };

export function StatusChip(props: { status: DetectionStatus }) {
  return (
    <Chip
      size="small"
      variant="outlined"
      label={props.status}
      color={STATUS_COLOR[props.status] ?? 'default'}
    />
  );
}
