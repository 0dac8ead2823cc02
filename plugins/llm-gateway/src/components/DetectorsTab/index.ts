export { DetectorsTab } from './DetectorsTab';
