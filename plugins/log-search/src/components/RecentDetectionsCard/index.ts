export { RecentDetectionsCard } from './RecentDetectionsCard';
