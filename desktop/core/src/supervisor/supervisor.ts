/**
 * Actions a till may not take alone: a refund and opening the cash drawer outside a sale. The
 * supervisor signs in with their own account for that one action: the server checks the password
 * and the role, and its audit log names them, not the till. Drawer openings are audited locally too.
 */
import {
  MarqueeError,
  roleAtLeast,
  type LoginResponse,
  type TerminalInput,
  type TerminalOutput,
} from '@marquee/shared';
import type { HandlerMap } from '../api/handler-map.ts';
import type { PrinterService } from '../printing/printer-service.ts';
import type { ServerApi } from '../server-api.ts';

export interface SupervisorOptions {
  server: Pick<ServerApi, 'signIn'>;
  printing: Pick<PrinterService, 'openDrawer' | 'auditDrawerRefusal'>;
}

export class Supervisor {
  constructor(private readonly options: SupervisorOptions) {}

  async refund(input: TerminalInput<'order.refund'>): Promise<TerminalOutput<'order.refund'>> {
    const { login, session } = await this.options.server.signIn(input.approval);
    if (!roleAtLeast(login.user.role, 'supervisor')) {
      throw new MarqueeError('forbidden', 'a refund needs a supervisor');
    }
    const order = await session.refund(input.orderId, {
      ...(input.ticketIds === undefined ? {} : { ticketIds: input.ticketIds }),
      ...(input.reason === undefined || input.reason === '' ? {} : { reason: input.reason }),
    });
    return { orderId: order.id, status: order.status };
  }

  async openDrawer(input: TerminalInput<'drawer.open'>): Promise<TerminalOutput<'drawer.open'>> {
    const { printing } = this.options;
    let user: LoginResponse['user'];
    try {
      user = (await this.options.server.signIn(input.supervisor)).login.user;
      if (!roleAtLeast(user.role, 'supervisor'))
        throw new MarqueeError('forbidden', 'opening the drawer needs a supervisor');
    } catch (error) {
      if (error instanceof MarqueeError)
        printing.auditDrawerRefusal(input.supervisor.username, input.reason, error.message);
      throw error;
    }
    const opened = await printing.openDrawer({
      kind: 'manual',
      reason: input.reason,
      actor: { id: user.id, name: user.name },
    });
    if (!opened.ok) throw new MarqueeError(opened.error.code, opened.error.message, opened.error.details);
    return { opened: true, at: opened.value.at, by: user.name };
  }
}

export type SupervisorHandlers = HandlerMap<'order.refund' | 'drawer.open'>;

export function supervisorHandlers(supervisor: Supervisor): SupervisorHandlers {
  return {
    'order.refund': (input) => supervisor.refund(input),
    'drawer.open': (input) => supervisor.openDrawer(input),
  };
}
