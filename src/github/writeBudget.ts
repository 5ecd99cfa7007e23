/**
 * An installation's budget of content-generating requests, shared by every process of the App:
 * GitHub counts them per installation, however many machines send them.
 */
export interface WriteBudget {
  /**
   * Counts one write of `installationId` when it may go now (`waitMs` 0); otherwise counts
   * nothing and says how long until it may, and whether the hour's budget is what is spent
   * (a wait to tell people about) rather than the minute's or the spacing (a moment's pause).
   * `notice`: a status notice, which may use the few writes of the hour kept back for saying
   * why the rest wait.
   */
  take(installationId: number, notice: boolean): Promise<{ waitMs: number; hourly: boolean }>;
}

/** How many writes the budget lets through; below GitHub's 80 a minute and 500 an hour. */
export interface WriteLimits {
  perMinute: number;
  perHour: number;
  /** of perHour, kept for status notices */
  noticeReserve: number;
  /** least time between two writes of one installation (GitHub asks for a second) */
  spacingMs: number;
  /** the windows, GitHub's minute and hour; tests shorten them */
  minuteMs: number;
  hourMs: number;
}

export const DEFAULT_WRITE_LIMITS: WriteLimits = {
  perMinute: 70,
  perHour: 470,
  noticeReserve: 20,
  spacingMs: 1000,
  minuteMs: 60_000,
  hourMs: 3_600_000,
};
