import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { TOPICS } from '../../domain/topics';
import { kafkaNodeName } from '../../stack/kafka-cluster';
import { campaignWorkflowId, unitWorkflowId } from '../../workflows/messages';
import { eventually } from '../helpers/campaign';
import { openCampaign } from '../faults/campaign';
import { recordFault } from '../faults/table';
import { activityRetries, awaitDelivery, deliveryOf, historyOf, logSize, reportSteadily, useCluster, type ClusterUnderTest } from './cluster';

/**
 * One broker of three is SIGKILLed while chi bộ report over the API at a steady pace: the broker that leads the
 * partition the campaign's events go to, so the workers' producer loses its partition leader mid-batch. With three
 * replicas and min ISR 2 the two others carry on; every accepted report's event must be on the topic, read back
 * from the brokers that remain, once after dropping repeats by id.
 */
const cluster = useCluster('broker-crash');
const PER_SECOND = 3;

/** The node leading the partition `key` goes to on `topic`, by kafkajs's default partitioner, as the producer picks it. */
async function leaderFor(c: ClusterUnderTest, topic: string, key: string): Promise<string> {
  const admin = new Kafka({ brokers: c.endpoints.kafkaBrokers, clientId: 'broker-crash-test', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { partitions } = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!;
    const partition = Partitioners.DefaultPartitioner()({ topic, partitionMetadata: partitions, message: { key, value: null } });
    return kafkaNodeName(partitions.find((p) => p.partitionId === partition)!.leader);
  } finally {
    await admin.disconnect();
  }
}

it('takes every report and loses no event when the broker leading the campaign partition is SIGKILLed mid-reporting', async () => {
  const c = cluster();
  const campaign = await openCampaign(c);
  const victim = await leaderFor(c, TOPICS.campaignEvents, campaign.campaignId);
  const logsAtKill: Record<string, number> = {};

  const reporting = reportSteadily(campaign, campaign.cells, { perSecond: PER_SECOND });
  await eventually(
    async () => reporting.accepted(),
    (n) => n >= campaign.cells.length / 2,
    120_000,
  );
  for (const worker of ['worker-1', 'worker-2']) logsAtKill[worker] = logSize(c, worker);
  const acceptedAtKill = reporting.accepted();
  c.kill(victim);
  const result = await reporting.done;
  c.progress(`${result.accepted.length} reports taken, ${result.notTaken.length} not; refusals ${JSON.stringify(result.refusals)}`);

  const published = await awaitDelivery(c, campaign.campaignId, result.accepted, 180_000);
  const delivery = deliveryOf(result.accepted, published);
  const workflowIds = [campaignWorkflowId(campaign.campaignId), ...campaign.communes.map((code) => unitWorkflowId(campaign.campaignId, code))];
  const retries = (await Promise.all(workflowIds.map((id) => historyOf(c, id)))).reduce((sum, events) => sum + activityRetries(events), 0);
  const producerErrors = ['worker-1', 'worker-2']
    .map((worker) => c.logOf(worker, logsAtKill[worker]))
    .join('\n')
    .split('\n')
    .filter((line) => /ECONNREFUSED|Connection error|NOT_LEADER|LEADER_NOT_AVAILABLE/i.test(line)).length;

  const held = result.notTaken.length === 0 && delivery.lost === 0 && delivery.twice === 0;
  recordFault({
    fault: 'cluster: one Kafka broker of three killed (SIGKILL)',
    how: `cluster profile (3 KRaft brokers, RF 3, min ISR 2); ${campaign.cells.length} study sessions over the API at ${PER_SECOND}/s, the leader of the campaign's partition (${victim}) SIGKILLed after ${acceptedAtKill}, left down`,
    mustHold: "every accepted report's event on the topic (read back from the brokers left), 0 lost, none twice after dedupe by id",
    counts: {
      'reports accepted': `${result.accepted.length}/${campaign.cells.length}`,
      'answers other than 201': Object.values(result.refusals).reduce((a, b) => a + b, 0),
      'slowest report taken in s': Math.round(result.slowestMs / 1000),
      lost: delivery.lost,
      'taken twice': delivery.twice,
      'redelivered (dropped by id)': delivery.redelivered,
      'publish activity retries': retries,
      'producer connection errors logged': producerErrors,
    },
    held,
  });
  expect(result.notTaken).toEqual([]);
  expect({ lost: delivery.lost, twice: delivery.twice }).toEqual({ lost: 0, twice: 0 });
}, 600_000);
