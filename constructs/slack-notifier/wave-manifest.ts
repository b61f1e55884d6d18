// The slack-notifier's wave manifest, from the environment config: the schedule and the services
// every wave scales. Packaged inside the function's zip (functions/slack-notifier/waves.ts reads
// it), not in environment variables, which hold 4 KB in all. Written with sorted services and fixed
// key order, so the same config gives the same bytes (and the same zip).
import type { EnvironmentConfig } from '../../environments/schema';
import { WAVE_MANIFEST_FILE, type WaveManifest } from '../../functions/slack-notifier/waves';
import { recordMaxAgeHours } from '../../shared/notifier-queue-settings';

export function waveManifest(config: EnvironmentConfig): WaveManifest {
  const { timezone, scaleUp, scaleDown, flexibleWindowMinutes, retry, services } = config.scheduler;
  return {
    timezone,
    scaleUp: { time: scaleUp.time, weekdays: scaleUp.weekdays },
    scaleDown: { time: scaleDown.time, weekdays: scaleDown.weekdays },
    flexibleWindowMinutes,
    maximumEventAgeMinutes: retry.maximumEventAgeMinutes,
    waveGraceMinutes: config.slackNotifier.waveGraceMinutes,
    settleCheckMinutes: config.slackNotifier.settleCheckMinutes,
    recordMaxAgeHours: recordMaxAgeHours(config.slackNotifier.queueRetentionHours),
    services: services
      .map(({ cluster, service, upCount, downCount, singleton }) => ({
        cluster,
        service,
        upCount,
        downCount,
        ...(singleton ? { singleton: true } : {}),
      }))
      .sort((a, b) => (`${a.cluster}/${a.service}` < `${b.cluster}/${b.service}` ? -1 : 1)),
  };
}

/** The files the zip carries beside index.js. */
export function waveManifestFiles(config: EnvironmentConfig): Record<string, string> {
  return { [WAVE_MANIFEST_FILE]: JSON.stringify(waveManifest(config)) };
}
