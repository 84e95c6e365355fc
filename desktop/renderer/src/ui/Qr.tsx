/** A ticket's QR code, drawn locally from its signed token (a data: URL, which the CSP allows). */
import { useEffect, useState } from 'react';
import type { ReactElement } from 'react';
import { toDataURL } from 'qrcode';

export function Qr({
  text,
  label,
  size = 220,
}: {
  text: string;
  label: string;
  size?: number;
}): ReactElement {
  const [url, setUrl] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    // Tokens are base45, QR's alphanumeric set: level M keeps them small and readable.
    toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: size * 2 })
      .then((data) => {
        if (live) setUrl(data);
      })
      .catch(() => {
        if (live) setUrl(undefined);
      });
    return () => {
      live = false;
    };
  }, [text, size]);
  return url === undefined ? (
    <div className="qr qr--pending" role="img" aria-label={label} />
  ) : (
    <img className="qr" src={url} width={size} height={size} alt={label} />
  );
}
