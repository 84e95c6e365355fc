/**
 * Which browser permissions the app's window gets: none, except the camera for the door scanner
 * on profiles that scan (gate, box office), and only for the app's own top-level page. Pure, so
 * the policy is tested without Electron; `main.ts` plugs it into the session's handlers.
 */
import type { TerminalProfile } from '@marquee/shared';
import { isAppUrl } from './app-origin.ts';

/** Profiles whose screens scan tickets with a camera (DESIGN §1, §9). */
const CAMERA_PROFILES: ReadonlySet<TerminalProfile> = new Set(['gate', 'box_office']);

export interface PermissionQuery {
  /** Electron's permission name (`media`, `geolocation`, `notifications`, …). */
  permission: string;
  /** The URL (request handler) or origin (check handler) asking. */
  requestingUrl: string;
  /** False for iframes; a request handler that does not know passes `true`. */
  isMainFrame: boolean;
  /**
   * Devices asked for: `video`/`audio` from a request, or the single `mediaType` of a check
   * (`unknown` when Chromium does not say). Absent means "not said".
   */
  mediaTypes?: readonly string[];
}

/** `profile` is undefined before enrollment, when no screen needs a device. */
export function isPermissionAllowed(profile: TerminalProfile | undefined, query: PermissionQuery): boolean {
  if (query.permission !== 'media') return false;
  if (profile === undefined || !CAMERA_PROFILES.has(profile)) return false;
  if (!query.isMainFrame || !isAppUrl(query.requestingUrl)) return false;
  // Camera only: a scanner never needs the microphone. An unspecific check (`unknown`) is what
  // Chromium asks before enumerating devices; allowing it reveals nothing beyond the camera.
  const types = query.mediaTypes ?? [];
  if (types.length === 0) return false;
  return types.every((type) => type === 'video' || type === 'unknown');
}
