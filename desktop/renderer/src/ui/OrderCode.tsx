/**
 * The code a customer quotes for their order ("Order code: ABCD2345"), or, for a sale still
 * waiting for the server, the first characters of its id as a reference. Kiosk and box office.
 */
import type { ReactElement } from 'react';
import { usePreferences } from '../app-context.ts';

export function OrderCode({ code, queued = false }: { code: string; queued?: boolean }): ReactElement {
  const { t } = usePreferences();
  return (
    <p className="order-code">
      {queued ? t.orderReference : t.orderCode}
      {t.colon}
      <strong>{queued ? code.slice(0, 8).toUpperCase() : code}</strong>
    </p>
  );
}
