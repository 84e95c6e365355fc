/**
 * The box office: selling (keyboard first) and looking up / refunding orders, side by side as two
 * tabs on F1 and F2. A ticket scanned with the hand scanner anywhere opens the lookup.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ReactElement } from 'react';
import { usePreferences } from '../app-context.ts';
import { useKeyboardWedge } from '../scan/use-keyboard-wedge.ts';
import { LookupPanel } from './LookupPanel.tsx';
import type { ScanRequest } from './LookupPanel.tsx';
import { SellPanel } from './SellPanel.tsx';

type Tab = 'sell' | 'lookup';

export function BoxOfficeApp(): ReactElement {
  const { t } = usePreferences();
  const [tab, setTab] = useState<Tab>('sell');
  const [scan, setScan] = useState<ScanRequest | undefined>(undefined);

  const onScan = useCallback((text: string) => {
    setTab('lookup');
    setScan({ text, at: performance.now() });
  }, []);
  useKeyboardWedge(onScan);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.key === 'F1' || event.key === 'F2') {
        // F1 would open help in some shells; here it is the Sell tab.
        event.preventDefault();
        setTab(event.key === 'F1' ? 'sell' : 'lookup');
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const tabs: [Tab, string, string][] = [
    ['sell', t.sellTab, 'F1'],
    ['lookup', t.lookupTab, 'F2'],
  ];
  return (
    <main className="screen box-office">
      {/* The tabs say where the cashier is; the heading names the screen for screen readers. */}
      <h1 className="visually-hidden">{t.profileBoxOffice}</h1>
      <div className="bo-tabs" role="tablist" aria-label={t.profileBoxOffice}>
        {tabs.map(([id, label, key]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-controls={`panel-${id}`}
            aria-selected={tab === id}
            aria-keyshortcuts={key}
            className="bo-tab"
            onClick={() => setTab(id)}
          >
            {label} <kbd>{key}</kbd>
          </button>
        ))}
      </div>
      {/* Both panels stay mounted: switching to a lookup must not drop a held sale. */}
      <div
        role="tabpanel"
        id="panel-sell"
        aria-labelledby="tab-sell"
        hidden={tab !== 'sell'}
        className="bo-panel"
      >
        <SellPanel active={tab === 'sell'} />
      </div>
      <div
        role="tabpanel"
        id="panel-lookup"
        aria-labelledby="tab-lookup"
        hidden={tab !== 'lookup'}
        className="bo-panel"
      >
        <LookupPanel active={tab === 'lookup'} scan={scan} />
      </div>
    </main>
  );
}
