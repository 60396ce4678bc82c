export { campaignWorkflow } from './campaign';
export { unitWorkflow } from './unit';
export { issueKeyWorkflow } from './issue-key';
export { yearlyDraftWorkflow } from './yearly-draft';
export { planDraftWorkflow } from './plan-draft';
