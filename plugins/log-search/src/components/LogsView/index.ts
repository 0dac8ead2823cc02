export * from './LogsView';
