// Queue and event source mapping numbers derived from config; the config rules check them too.

/** The default batch: room for a whole wave plus retries and duplicates. */
export function defaultBatchSize(serviceCount: number): number {
  return Math.min(10000, Math.max(10, 2 * serviceCount));
}

/** The notifier queue keeps messages 1 h (the spec's retention). */
export const NOTIFIER_QUEUE_RETENTION_SECONDS = 3600;

/** AWS's guidance: at least six times the function timeout, plus the batching window. */
export function queueVisibilityTimeout(functionTimeoutSeconds: number, batchingWindowSeconds: number): number {
  return 6 * functionTimeoutSeconds + batchingWindowSeconds;
}
