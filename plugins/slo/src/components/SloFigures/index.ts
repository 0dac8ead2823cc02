export {
  BudgetBar,
  PrometheusUnreachable,
  SloStatusChip,
  statusLabel,
} from './SloFigures';
