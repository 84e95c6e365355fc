/**
 * The terminal API's dispatch, as Actual Budget's `createApp`: each capability module declares
 * the handlers of its own calls as a `HandlerMap<…>` (typed by the contract in shared), the
 * composition root joins them into one map with every call answered, and `createDispatch` runs a
 * parsed request against it, turning what a handler throws into a `Result`.
 */
import {
  MarqueeError,
  fail,
  ok,
  parseTerminalCall,
  type Result,
  type TerminalCall,
  type TerminalInput,
  type TerminalOutput,
  type TerminalRequest,
} from '@marquee/shared';

export type Handler<C extends TerminalCall> = (
  input: TerminalInput<C>,
) => TerminalOutput<C> | Promise<TerminalOutput<C>>;

/** The handlers of the calls `C`, one each. */
export type HandlerMap<C extends TerminalCall> = { [K in C]: Handler<K> };

export type Log = (message: string, extra?: Record<string, unknown>) => void;

export interface Dispatch {
  /** Runs a request a transport's edge already parsed. */
  run<C extends TerminalCall>(request: TerminalRequest<C>): Promise<Result<TerminalOutput<C>>>;
  /** The in-process edge (tests, the CLI): parses with the same function as every transport. */
  handle<C extends TerminalCall>(call: C, raw: unknown): Promise<Result<TerminalOutput<C>>>;
}

export function createDispatch(handlers: HandlerMap<TerminalCall>, log?: Log): Dispatch {
  const run = async <C extends TerminalCall>(
    request: TerminalRequest<C>,
  ): Promise<Result<TerminalOutput<C>>> => {
    // `request.input` is the input of `request.call` (see TerminalRequest); TypeScript cannot
    // follow the correlation through the map lookup.
    const handler = handlers[request.call] as Handler<C>;
    try {
      return ok(await handler(request.input as TerminalInput<C>));
    } catch (error) {
      if (error instanceof MarqueeError) return { ok: false, error: error.toBody() };
      log?.('command failed', { call: request.call, error: String(error) });
      return fail('internal', 'the terminal could not do that');
    }
  };
  return {
    run,
    async handle<C extends TerminalCall>(call: C, raw: unknown): Promise<Result<TerminalOutput<C>>> {
      const request = parseTerminalCall(call, raw);
      if (!request.ok) return request;
      return run(request.value as TerminalRequest<C>);
    },
  };
}
