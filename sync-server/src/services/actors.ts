import type { StaffRole, TerminalProfile } from '@marquee/shared';

/** Who is calling: a signed-in staff member, an enrolled terminal, or nobody (public routes). */
export type Actor =
  | { kind: 'staff'; id: string; role: StaffRole; name: string }
  | { kind: 'device'; id: string; profile: TerminalProfile; name: string }
  | { kind: 'anonymous' };

export type Principal = StaffRole | TerminalProfile;

export const ALL_PRINCIPALS: readonly Principal[] = [
  'cashier',
  'supervisor',
  'manager',
  'admin',
  'kiosk',
  'box_office',
  'gate',
];
export const STAFF: readonly Principal[] = ['cashier', 'supervisor', 'manager', 'admin'];
export const MANAGERS: readonly Principal[] = ['manager', 'admin'];
export const SUPERVISORS: readonly Principal[] = ['supervisor', 'manager', 'admin'];
/** Anyone who may read the programme and seat maps. */
export const READERS: readonly Principal[] = ALL_PRINCIPALS;
/** Anyone who may sell: staff and selling terminals (not gates). */
export const SELLERS: readonly Principal[] = [...STAFF, 'kiosk', 'box_office'];
/** Anyone who may admit tickets at a door. */
export const DOORS: readonly Principal[] = [...STAFF, 'gate', 'box_office'];
export const DEVICES: readonly Principal[] = ['kiosk', 'box_office', 'gate'];

export function actorTerminalId(actor: Actor): string | null {
  return actor.kind === 'device' ? actor.id : null;
}
export function actorStaffId(actor: Actor): string | null {
  return actor.kind === 'staff' ? actor.id : null;
}
