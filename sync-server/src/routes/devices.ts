/** Enrolling terminals and a terminal's own record (the back office's device list is in back-office.ts). */
import type { ServerContext } from '../context.ts';
import type { AreaHandlers } from '../http/route.ts';
import { createEnrollmentCode, enroll, terminalSelf } from '../services/devices.ts';

export function devicesHandlers(ctx: ServerContext): AreaHandlers<'devices'> {
  return {
    'enrollmentCodes.create': ({ body, actor }) => createEnrollmentCode(ctx, actor, body),
    'devices.enroll': ({ body }) => enroll(ctx, body),
    'devices.me': ({ actor }) => terminalSelf(ctx, actor),
  };
}
