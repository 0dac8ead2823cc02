export * from './QueryBar';
