export { EntityLogsContent, entityLogScope } from './EntityLogsContent';
