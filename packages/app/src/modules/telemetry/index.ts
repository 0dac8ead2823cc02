export { telemetryModule } from './telemetryModule';
export { newTraceparent, traceUserActions } from './traceUserActions';
