/**
 * The `local_admissions` table: tickets this door admitted, online or offline, so a second scan
 * here is refused at once whatever the link is doing. Every SQL statement on it is here.
 */
import type { Db } from '../store.ts';

export interface LocalAdmission {
  ticketId: string;
  admissionId: string;
  showtimeId: string;
  at: number;
}

export class AdmissionsStore {
  constructor(private readonly db: Db) {}

  /** When this door admitted the ticket (epoch ms), or undefined. */
  admittedAt(ticketId: string): number | undefined {
    return (
      this.db.prepare('SELECT at FROM local_admissions WHERE ticket_id = ?').get(ticketId) as
        { at: number } | undefined
    )?.at;
  }

  /** An admission the server decided: recorded once (a replayed answer changes nothing). */
  recordOnline(admission: LocalAdmission): void {
    this.db
      .prepare(
        'INSERT INTO local_admissions (ticket_id, admission_id, showtime_id, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(admission.ticketId, admission.admissionId, admission.showtimeId, admission.at);
  }

  /** Inside the transaction that puts the admission in the outbox. */
  recordOffline(admission: LocalAdmission): void {
    this.db
      .prepare('INSERT INTO local_admissions (ticket_id, admission_id, showtime_id, at) VALUES (?, ?, ?, ?)')
      .run(admission.ticketId, admission.admissionId, admission.showtimeId, admission.at);
  }
}
