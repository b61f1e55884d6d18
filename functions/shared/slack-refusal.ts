// A Slack refusal that retrying cannot heal: any 4xx but 429 (`no_service` and `invalid_token` for a
// revoked webhook, `channel_not_found`, `channel_is_archived`, `invalid_payload`). The function that
// sees one, whichever it is, counts it in a CloudWatch metric written to its log (Embedded Metric
// Format, no API call); an alarm on that metric tells the operations topic within minutes. Without it,
// the SQS path only returns its records to the queue, and nobody hears until the wave's deadline.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The metric the operations alarm watches: namespace, name, and its dimensions per function. */
export const SLACK_REFUSAL_METRIC = {
  namespace: 'EcsSchedulerSlack',
  name: 'SlackRefusedForGood',
  /** Dimensions: `service` (the function's service name, below) and `environment`. */
  dimensions: (service: string, environment: string) => ({ service, environment }),
} as const;

export interface SlackRefusal {
  status?: number;
  slackError?: string;
}

/** Reports one refusal; called once per refused message. */
export type RefusalReporter = (refusal: SlackRefusal) => void;

/** The metric, through Powertools Metrics (one EMF line on stdout per refusal). */
export function refusalMetric(service: string, environment: string): RefusalReporter {
  const metrics = new Metrics({
    namespace: SLACK_REFUSAL_METRIC.namespace,
    serviceName: service,
    ...(environment ? { defaultDimensions: { environment } } : {}),
  });
  return (refusal) => {
    metrics.addMetric(SLACK_REFUSAL_METRIC.name, MetricUnit.Count, 1);
    if (refusal.status !== undefined) metrics.addMetadata('status', String(refusal.status));
    if (refusal.slackError) metrics.addMetadata('slackError', refusal.slackError);
    metrics.publishStoredMetrics();
  };
}
