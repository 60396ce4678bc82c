import type { Producer, TopicMessages } from 'kafkajs';

/** Messages per produce request: a request's batch for one partition must stay under the broker's 1 MiB default. */
const MAX_MESSAGES_PER_REQUEST = 1_000;

interface Waiting {
  topicMessages: TopicMessages[];
  count: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the worker's one producer. That producer has one request in flight (so a retry can never
 * reorder a campaign's events), and kafkajs sends each `sendBatch` as a request of its own: every workflow publishing at
 * once would queue behind one round trip to the brokers each. Here the batches that arrive while a request is in
 * flight go together in the next one, in the order they came, so a campaign's events keep their order on its
 * partition. A request that fails fails every batch in it; each is retried by its own activity.
 */
export function groupCommit(producer: Pick<Producer, 'sendBatch'>) {
  const queue: Waiting[] = [];
  let sending = false;

  async function drain(): Promise<void> {
    sending = true;
    while (queue.length > 0) {
      const group: Waiting[] = [queue.shift()!];
      let count = group[0]!.count;
      while (queue.length > 0 && count + queue[0]!.count <= MAX_MESSAGES_PER_REQUEST) {
        count += queue[0]!.count;
        group.push(queue.shift()!);
      }
      const byTopic = new Map<string, TopicMessages['messages']>();
      for (const { topicMessages } of group) for (const { topic, messages } of topicMessages) byTopic.set(topic, [...(byTopic.get(topic) ?? []), ...messages]);
      try {
        await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
        for (const waiting of group) waiting.resolve();
      } catch (error) {
        for (const waiting of group) waiting.reject(error);
      }
    }
    sending = false;
  }

  return {
    /** Resolves once the brokers acknowledged the request that carried these messages (acks from all in-sync replicas). */
    send(topicMessages: TopicMessages[]): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({ topicMessages, count: topicMessages.reduce((n, t) => n + t.messages.length, 0), resolve, reject });
        if (!sending) void drain();
      });
    },
  };
}
