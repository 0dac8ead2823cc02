export * from './LogResultsTable';
