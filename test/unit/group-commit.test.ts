import type { Message, ProducerBatch } from 'kafkajs';
import { groupCommit } from '../../infra/group-commit';

/** A producer whose requests the test answers one at a time, recording what each carried. */
function heldProducer() {
  const requests: ProducerBatch[] = [];
  const answers: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  return {
    requests,
    sendBatch(batch: ProducerBatch) {
      requests.push(batch);
      return new Promise<never[]>((resolve, reject) => answers.push({ resolve: () => resolve([]), reject }));
    },
    answer(error?: unknown) {
      const next = answers.shift()!;
      if (error) next.reject(error);
      else next.resolve();
    },
  };
}

const messages = (from: number, count: number): Message[] => Array.from({ length: count }, (_, i) => ({ key: 'BG-2024-202-KH-BDVTU', value: `e${from + i}` }));
const settle = () => new Promise((resolve) => setImmediate(resolve));
const values = (batch: ProducerBatch, topic: string) => batch.topicMessages!.find((t) => t.topic === topic)?.messages.map((m) => m.value);

describe('group commit of outbox batches', () => {
  it('sends the batches that arrived during a request together in the next one, in the order they came', async () => {
    const producer = heldProducer();
    const sender = groupCommit(producer);
    const first = sender.send([{ topic: 'events', messages: messages(1, 2) }]);
    const second = sender.send([{ topic: 'events', messages: messages(3, 1) }]);
    const third = sender.send([
      { topic: 'events', messages: messages(4, 1) },
      { topic: 'reminders', messages: messages(4, 1) },
    ]);
    await settle();
    expect(producer.requests).toHaveLength(1);
    producer.answer();
    await first;
    await settle();
    expect(producer.requests).toHaveLength(2);
    expect(values(producer.requests[1]!, 'events')).toEqual(['e3', 'e4']);
    expect(values(producer.requests[1]!, 'reminders')).toEqual(['e4']);
    expect(producer.requests[1]!.acks).toBe(-1);
    producer.answer();
    await Promise.all([second, third]);
  });

  it('fails every batch of a failed request, and only those', async () => {
    const producer = heldProducer();
    const sender = groupCommit(producer);
    const first = sender.send([{ topic: 'events', messages: messages(1, 1) }]);
    const second = sender.send([{ topic: 'events', messages: messages(2, 1) }]);
    const third = sender.send([{ topic: 'events', messages: messages(3, 1) }]);
    await settle();
    producer.answer();
    await first;
    await settle();
    producer.answer(new Error('connect ECONNREFUSED 127.0.0.1:9092'));
    await expect(second).rejects.toThrow('ECONNREFUSED');
    await expect(third).rejects.toThrow('ECONNREFUSED');
    const fourth = sender.send([{ topic: 'events', messages: messages(4, 1) }]);
    await settle();
    expect(values(producer.requests[2]!, 'events')).toEqual(['e4']);
    producer.answer();
    await fourth;
  });

  it('keeps a request at 1,000 messages or one batch, whichever is more', async () => {
    const producer = heldProducer();
    const sender = groupCommit(producer);
    const sent = [sender.send([{ topic: 'events', messages: messages(1, 1) }])];
    for (let i = 0; i < 6; i++) sent.push(sender.send([{ topic: 'events', messages: messages(100 * i, 200) }]));
    sent.push(sender.send([{ topic: 'events', messages: messages(5000, 1500) }]));
    await settle();
    for (let i = 0; i < 4; i++) {
      producer.answer();
      await settle();
    }
    await Promise.all(sent);
    expect(producer.requests.map((r) => r.topicMessages![0]!.messages.length)).toEqual([1, 1000, 200, 1500]);
  });
});
