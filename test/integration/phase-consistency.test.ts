import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { campaignIdFor } from '../../domain/plan';
import { generateNationalTree } from '../../domain/samples/national';
import { planSchema } from '../../domain/schemas';
import { vietnamDateOf } from '../../domain/schedule';
import { executeUpdate } from '../../infra/workflow-updates';
import { advancePhaseUpdate, campaignSnapshotQuery, campaignWorkflowId, deployUpdate } from '../../workflows/messages';
import { eventually, Reporter } from '../helpers/campaign';
import { useDanvanWorker } from '../helpers/temporal';
import { nationalPlanOpenToday } from '../fixtures/plans';

/**
 * A phase is the same everywhere once a move is answered: an administrator's move returns only when every unit
 * workflow of the tree holds it, so the council's requests sent right after it never meet the old phase.
 */
describe('phase moves answered once every unit holds them', () => {
  const worker = useDanvanWorker('phase');

  it('after the move to assessment, council requests sent at once to all 24 communes meet no wrong-phase refusal', async () => {
    const today = vietnamDateOf(new Date());
    const temporal = worker.temporal();
    const plan = planSchema.parse(nationalPlanOpenToday(today));
    const tree = generateNationalTree({ provinces: 3, communes: 24, partyCellsPerCommune: { min: 2, max: 3 }, seed: 11 });
    const communes = tree.filter((u) => u.kind === 'commune');
    expect(communes).toHaveLength(24);
    const campaignId = campaignIdFor(plan);
    const handle = await temporal.client.workflow.start('campaignWorkflow', {
      workflowId: campaignWorkflowId(campaignId),
      taskQueue: worker.taskQueue,
      args: [{ campaignId, plan, tree }],
    });
    await executeUpdate(handle, deployUpdate, { args: [{ requestedBy: 'admin-tw', reason: 'triển khai' }] });
    await eventually(
      () => handle.query(campaignSnapshotQuery),
      (s) => s.phase === 'in-progress',
    );

    const reporter = new Reporter(temporal.client, campaignId);
    await Promise.all(
      communes.map((c) =>
        reporter.submit({
          kind: 'model-registration',
          unitCode: c.code,
          report: { name: 'Dân vận khéo trong xây dựng nông thôn mới', field: 'economy', registeredOn: today },
        }),
      ),
    );

    const moved = await executeUpdate(handle, advancePhaseUpdate, { args: [{ to: 'assessment', reason: 'kết thúc báo cáo sớm', requestedBy: 'admin-tw' }] });
    expect(moved.phase).toBe('assessment');
    const outcomes = await Promise.all(
      communes.flatMap((c) =>
        [1, 2].map(() =>
          reporter
            .submit({ kind: 'model-assessment', unitCode: c.code, modelId: 'M1', report: { action: 'assess', score: 88, remarks: 'Hội đồng thẩm định' } })
            .then(
              () => 'accepted',
              (error: unknown) => (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure ? error.cause.type : String(error)),
            ),
        ),
      ),
    );
    const refusals = outcomes.filter((o) => o !== 'accepted');
    // The second assessment of the same model is a conflict (already assessed), never a wrong phase.
    expect(refusals.filter((r) => r === 'wrong-phase')).toEqual([]);
    expect(outcomes.filter((o) => o === 'accepted').length).toBeGreaterThanOrEqual(communes.length);
    expect(new Set(refusals)).toEqual(new Set(refusals.length > 0 ? ['conflict'] : []));
  });
});
