/**
 * In-process notification that new changes committed up to `seq`. Carries no data: listeners read
 * the change log, so a notification lost or merged never loses a change. With several server
 * instances on PostgreSQL the same notification arrives through LISTEN/NOTIFY.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(seq: number) => void>();
  private readonly sessionListeners = new Set<() => void>();
  private latest = 0;

  get seq(): number {
    return this.latest;
  }

  notify(seq: number): void {
    if (seq <= this.latest) return;
    this.latest = seq;
    for (const listener of this.listeners) listener(seq);
  }

  subscribe(listener: (seq: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sessions were ended in this process (logout, deactivation, revocation): streams check theirs. */
  sessionsEnded(): void {
    for (const listener of this.sessionListeners) listener();
  }

  onSessionsEnded(listener: () => void): () => void {
    this.sessionListeners.add(listener);
    return () => this.sessionListeners.delete(listener);
  }
}
