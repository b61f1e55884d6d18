// "Maybe delivered": Slack took a summary and the answer was lost, or the function stopped between
// Slack's 200 and recording the wave closed. Slack webhooks have no idempotency key, so the rule is:
// at most 2 copies of one summary in any single fault, the 2nd saying it may repeat. Driven as SQS
// and Lambda would (re-receives, the deadline close and its 2 retries) against dynalite and the
// local Slack, which takes each post and then drops the connection.
import { MAY_REPEAT_NOTE } from '../functions/shared/repeat-note';
import type { LocalWaveTable } from '../scripts/local-wave-table';
import { sqsEventFor } from './support/cloudtrail-events';
import { crashAt, isPartConfirmed, isWaveClose } from './support/crash';
import { type FakeSlack, readableText } from './support/slack-server';
import {
  failedIds,
  freshWaveServers,
  manifestFor,
  MONDAY_SCALE_UP,
  notifierContext as context,
  waveHandler,
} from './support/waves';

const SERVICES = ['nestjs', 'python-api'];
const manifest = manifestFor(SERVICES);
/** The visibility timeout (6 x 60 s + 300 s): when a returned record is received again. */
const VISIBILITY_MS = 660_000;

let table: LocalWaveTable;
let slack: FakeSlack;
freshWaveServers((t, s) => ([table, slack] = [t, s]));

const wave = (receiveCount = 1) =>
  sqsEventFor(
    SERVICES.map((service, i) => ({
      service,
      atSecond: 30 + i,
      eventId: `evt-${service}`,
      messageId: `msg-${service}`,
      receiveCount,
    })),
  );
const closeWave = { closeWave: { action: 'scale-up', scheduledTime: '2026-11-23T00:20:00Z' } } as const;
/** Per post Slack received: whether it says it may repeat. */
const noted = () => slack.posts.map((post) => readableText(post).includes(MAY_REPEAT_NOTE));

describe('Slack takes every post and drops the connection', () => {
  it('SQS re-receives, the deadline close and its 2 Lambda retries: 2 posts in all, the 2nd noted; every try is reported', async () => {
    slack.answer({ status: 200, drop: true });
    const rig = waveHandler(table, slack.url, manifest);
    rig.clock.now = MONDAY_SCALE_UP + 60_000;

    // The batch completing the wave, received 5 times (more than maxReceiveCount 3, to be sure).
    for (let receive = 1; receive <= 5; receive++) {
      const response = await rig.handler(wave(receive), context());
      expect(failedIds(response)).toEqual(['msg-nestjs', 'msg-python-api']);
      rig.clock.now += VISIBILITY_MS;
    }
    // The deadline close, and Lambda's 2 retries of it: each fails (so the close ends in the DLQ).
    for (let attempt = 1; attempt <= 3; attempt++) {
      await expect(rig.handler(closeWave, context())).rejects.toThrow(/not delivered/);
      rig.clock.now += 60_000;
    }

    expect(slack.posts).toHaveLength(2);
    expect(noted()).toEqual([false, true]);
  });

  it('dropped once, then Slack answers: 2 posts (the 2nd noted), the wave closed, nothing more after', async () => {
    slack.answer({ status: 200, drop: true }, { status: 200 });
    const rig = waveHandler(table, slack.url, manifest);
    rig.clock.now = MONDAY_SCALE_UP + 60_000;

    expect(failedIds(await rig.handler(wave(), context()))).toEqual([]);
    expect(failedIds(await rig.handler(wave(2), context()))).toEqual([]);
    expect(await rig.handler(closeWave, context())).toMatchObject({ posted: false });

    expect(slack.posts).toHaveLength(2);
    expect(noted()).toEqual([false, true]);
  });

  it('dropped, then refused (500), then answered next receive: 3 requests, only 2 of which could post; every copy after the drop noted', async () => {
    slack.answer({ status: 200, drop: true }, { status: 500 });
    const rig = waveHandler(table, slack.url, manifest, { delivery: { maxAttempts: 2, baseBackoffMs: 5 } });
    rig.clock.now = MONDAY_SCALE_UP + 60_000;

    // 1st receive: dropped, retried once with the note, refused: 1 maybe-post recorded.
    expect(failedIds(await rig.handler(wave(), context()))).toHaveLength(2);
    expect(slack.posts).toHaveLength(2);
    slack.answer({ status: 200 });
    rig.clock.now += VISIBILITY_MS;
    // 2nd receive: the summary goes out once more, noted, and the wave closes.
    expect(failedIds(await rig.handler(wave(2), context()))).toEqual([]);

    expect(noted()).toEqual([false, true, true]);
    expect(slack.posts.map((p) => p.json)).toHaveLength(3);
    // Only the 1st and 3rd could have been posted (the 2nd was refused with a 500).
  });
});

describe('the function stops after Slack answered 200, before recording that Slack took it', () => {
  it('the next receive posts the summary once more, noted; the deadline posts nothing', async () => {
    const crashing = crashAt(table.client, isPartConfirmed);
    const first = waveHandler(table, slack.url, manifest, { dynamodb: crashing.client });
    first.clock.now = MONDAY_SCALE_UP + 60_000;
    void first.handler(wave(), context());
    await crashing.crashed;
    expect(slack.posts).toHaveLength(1);

    // Lambda gave up on that invocation; the records come back after the visibility timeout.
    const next = waveHandler(table, slack.url, manifest);
    next.clock.now = first.clock.now + VISIBILITY_MS;
    expect(failedIds(await next.handler(wave(2), context()))).toEqual([]);
    next.clock.now = MONDAY_SCALE_UP + 20 * 60_000;
    expect(await next.handler(closeWave, context())).toMatchObject({ posted: false });
    expect(failedIds(await next.handler(wave(3), context()))).toEqual([]);

    expect(slack.posts).toHaveLength(2);
    expect(noted()).toEqual([false, true]);
  });

  it('stopping there twice: 2 posts, then no more; the records go on failing (to the DLQ and its alarm)', async () => {
    let now = MONDAY_SCALE_UP + 60_000;
    for (let crash = 1; crash <= 2; crash++) {
      const crashing = crashAt(table.client, isPartConfirmed);
      const rig = waveHandler(table, slack.url, manifest, { dynamodb: crashing.client });
      rig.clock.now = now;
      void rig.handler(wave(crash), context());
      await crashing.crashed;
      now += VISIBILITY_MS;
    }
    const last = waveHandler(table, slack.url, manifest);
    last.clock.now = now;
    const response = await last.handler(wave(3), context());

    expect(failedIds(response)).toEqual(['msg-nestjs', 'msg-python-api']);
    await expect(last.handler(closeWave, context())).rejects.toThrow(/may already be in Slack 2 times/);
    expect(slack.posts).toHaveLength(2);
    expect(noted()).toEqual([false, true]);
  });
});

describe('the function stops after recording that Slack took the summary, before the wave is recorded closed', () => {
  it('the next receive finishes the wave without posting it again', async () => {
    const crashing = crashAt(table.client, isWaveClose);
    const first = waveHandler(table, slack.url, manifest, { dynamodb: crashing.client });
    first.clock.now = MONDAY_SCALE_UP + 60_000;
    void first.handler(wave(), context());
    await crashing.crashed;

    const next = waveHandler(table, slack.url, manifest);
    next.clock.now = first.clock.now + VISIBILITY_MS;
    expect(failedIds(await next.handler(wave(2), context()))).toEqual([]);
    next.clock.now = MONDAY_SCALE_UP + 20 * 60_000;
    expect(await next.handler(closeWave, context())).toMatchObject({ posted: false });

    expect(slack.posts).toHaveLength(1);
  });
});
