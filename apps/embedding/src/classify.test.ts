import { describe, expect, it } from 'vitest';
import { collateMessages, labelOf, messageTokens } from './classify.js';
import { type Io, main, TARGETS } from './main.js';

describe('classify', () => {
  it('tokenises the Subject line and the body, not the other headers', () => {
    const text =
      'From: someone@example.com\nSubject: Cheap Loans!\nReceived: from relay\n\nApply now for $1000';
    expect(messageTokens(text, 100)).toEqual(['cheap', 'loans', '!', 'apply', 'now', 'for', '$', '1000']);
    expect(messageTokens(text, 3)).toEqual(['cheap', 'loans', '!']);
    expect(labelOf({ id: '1', group: 'spam-2', text })).toBe(1);
    expect(labelOf({ id: '1', group: 'hard-ham-1', text })).toBe(0);
  });

  it('collates messages into text, offsets and labels', () => {
    const batch = collateMessages([
      { ids: Int32Array.of(1, 2, 3), label: 0 },
      { ids: Int32Array.of(4), label: 1 },
    ]);
    expect((batch.text.tolist() as (number | bigint)[]).map(Number)).toEqual([1, 2, 3, 4]);
    expect((batch.offsets.tolist() as (number | bigint)[]).map(Number)).toEqual([0, 3]);
    expect((batch.labels.tolist() as (number | bigint)[]).map(Number)).toEqual([0, 1]);
    expect(batch.text.dtype).toBe('int64');
  });

  it(`--quick reaches at least ${TARGETS.classifyQuick * 100}% test accuracy`, async () => {
    const out: string[] = [];
    const io: Io = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => out.push(t) },
    };
    const status = await main(['classify', '--quick'], io);
    const text = out.join('');
    const accuracy = Number(/^test accuracy ([\d.]+)%$/m.exec(text)?.[1]);
    expect(accuracy, text).toBeGreaterThanOrEqual(TARGETS.classifyQuick * 100);
    expect(status, text).toBe(0);
    expect(text).toMatch(
      /confusion matrix \(test set\):\nactual \\ predicted\s+ham\s+spam\nham\s+\d+\s+\d+\nspam\s+\d+\s+\d+/,
    );
  });
});
