import type { StaffRole, TerminalProfile } from '@marquee/shared';

/**
 * Who is calling: a signed-in staff member, an enrolled terminal, or nobody (public routes). The
 * principals routes admit (`SELLERS`, `DOORS`, …) live with the route table in shared/http-api.ts.
 */
export type Actor =
  | { kind: 'staff'; id: string; role: StaffRole; name: string }
  | { kind: 'device'; id: string; profile: TerminalProfile; name: string }
  | { kind: 'anonymous' };

export function actorTerminalId(actor: Actor): string | null {
  return actor.kind === 'device' ? actor.id : null;
}
export function actorStaffId(actor: Actor): string | null {
  return actor.kind === 'staff' ? actor.id : null;
}
