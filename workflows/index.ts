export { campaignWorkflow } from './campaign';
export { unitWorkflow } from './unit';
export { issueKeyWorkflow } from './issue-key';
