// The summary with task states stays readable and within Slack's limits at 20 and at 500 services:
// one row per service, a reason line per service that did not reach its count, unreadable services
// grouped by reason, singletons flagged (the splitting into parts is summary.test.ts's).
import type { KnownBlock } from '@slack/types';
import type { ScalingResult } from '../functions/slack-notifier/cloudtrail';
import { SLACK_LIMITS, statusCell, summaryMessages } from '../functions/slack-notifier/summary';
import { REASON_MAX, type TaskState } from '../functions/slack-notifier/task-state';

const CLUSTER = 'terraform-study-dev-cluster';
const LONG_REASON =
  'was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance 0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b) has insufficient memory available. For more information, see the Troubleshooting section.';

const sectionTexts = (blocks: KnownBlock[]) =>
  blocks.flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []));

function wave(count: number) {
  const results: ScalingResult[] = [];
  const tasks: Record<string, TaskState> = {};
  for (let i = 0; i < count; i++) {
    const service = `recommendation-service-${String(i).padStart(3, '0')}`;
    results.push({
      eventId: `evt-${i}`,
      service,
      cluster: CLUSTER,
      desiredCount: 2,
      action: 'Scale Up',
      succeeded: true,
      eventTime: '2026-11-23T00:02:00.000Z',
    });
    // Every 5th not reached (a long reason), every 7th starting, every 11th unknown, the rest running.
    tasks[`${CLUSTER}/${service}`] =
      i % 5 === 0
        ? { outcome: 'not-reached', desired: 2, running: 0, pending: 0, reason: LONG_REASON.slice(0, REASON_MAX) }
        : i % 7 === 0
          ? { outcome: 'starting', desired: 2, running: 1, pending: 1 }
          : i % 11 === 0
            ? { outcome: 'unknown', reason: 'ECS throttled the read (4 attempts): Rate exceeded' }
            : { outcome: 'reached', desired: 2, running: i === 3 ? 3 : 2, pending: 0 };
  }
  return { results, tasks, singletons: [`${CLUSTER}/recommendation-service-003`] };
}

it.each([20, 500])('stays readable within Slack limits with %i services', (count) => {
  const { results, tasks, singletons } = wave(count);
  const messages = summaryMessages({
    environment: 'dev',
    timeZone: 'Asia/Seoul',
    wave: 'Scale-up 09:00 KST, Mon 2026-11-23',
    results,
    tasks,
    singletons,
    checkAt: '09:35 KST',
  });
  const texts = messages.flatMap((m) => sectionTexts(m.blocks!));
  for (const message of messages) {
    expect(message.blocks!.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(message.text.length).toBeLessThan(4000);
    for (const text of sectionTexts(message.blocks!)) expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  }
  // 500 services with 100 long reasons still fit one message (48 sections of 3,000 characters).
  expect(messages).toHaveLength(1);
  const lines = texts.join('\n').split('\n');
  // One row per service, each with its state.
  for (const r of results) {
    const state = tasks[`${CLUSTER}/${r.service}`]!;
    const singleton = singletons.includes(`${CLUSTER}/${r.service}`);
    expect(lines).toContain(`${r.service} │ Scale Up (→2)    │ ${statusCell(state, singleton)}`);
  }
  // A reason line per service not reached, shortened to fit.
  const notReached = results.filter((r) => tasks[`${CLUSTER}/${r.service}`]!.outcome === 'not-reached');
  for (const r of notReached) {
    expect(lines).toContain(`• \`${r.service}\` (${CLUSTER}): 0/2 running: ${LONG_REASON.slice(0, REASON_MAX)}`);
  }
  // Unreadable services: one line per reason, at most 20 names on it.
  const unknown = lines.filter((line) => line.startsWith('• ECS throttled the read'));
  expect(unknown).toHaveLength(1);
  const unknownCount = results.filter((r) => tasks[`${CLUSTER}/${r.service}`]!.outcome === 'unknown').length;
  expect(unknown[0]).toMatch(unknownCount > 20 ? new RegExp(` and ${unknownCount - 20} more$`) : /`$/);
  expect(lines).toContain(
    `• \`recommendation-service-003\` (${CLUSTER}): 3 tasks running; it must never run more than one`,
  );
  expect(texts[0]).toContain(`*Tasks:* `);
});

it('shows ECS states only for calls that succeeded, and none for a summary without them', () => {
  const failed: ScalingResult = {
    eventId: 'e1',
    service: 'api',
    cluster: 'apps',
    desiredCount: 1,
    action: 'Scale Up',
    succeeded: false,
    error: 'AccessDeniedException: not authorized',
    eventTime: '2026-11-23T00:02:00.000Z',
  };
  const [message] = summaryMessages({
    environment: 'dev',
    timeZone: 'Asia/Seoul',
    results: [failed],
    tasks: { 'apps/api': { outcome: 'reached', desired: 1, running: 1, pending: 0 } },
  });
  const texts = sectionTexts(message!.blocks!);
  expect(texts[1]).toContain('api     │ Scale Up (→1)    │ ❌ Error');
  expect(texts[0]).not.toContain('*Tasks:*');
});
