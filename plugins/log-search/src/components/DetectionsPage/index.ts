export { DetectionsPage, AttackTags } from './DetectionsPage';
export { LevelChip, StatusChip } from './LevelChip';
