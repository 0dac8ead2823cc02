export * from './TimeRangePicker';
