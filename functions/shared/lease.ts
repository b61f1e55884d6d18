// Leases (claims) shared by both functions' tables. A lease ends with its invocation, by the clock of
// the invocation that wrote it; another invocation reads it by its own clock. Lambda hosts keep time
// by NTP, but nothing promises two of them agree: a lease counts as run out only MAX_CLOCK_SKEW_MS
// after its end, so clocks up to that far apart never let two invocations post the same message.
export const MAX_CLOCK_SKEW_MS = 2 * 60_000;

/** A lease ending before this (by our clock) has certainly run out. */
export function expiredBefore(now: number): number {
  return now - MAX_CLOCK_SKEW_MS;
}

/** The holder of this lease may still be running. */
export function leaseLive(lease: number | undefined, now: number): boolean {
  return lease !== undefined && lease >= expiredBefore(now);
}
