export * from './LogHistogram';
