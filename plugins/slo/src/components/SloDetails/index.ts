export { SloDetails, assistantLinkFor, logsLinkFor } from './SloDetails';
