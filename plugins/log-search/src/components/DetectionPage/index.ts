export * from './DetectionPage';
