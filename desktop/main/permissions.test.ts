import { describe, expect, it } from 'vitest';
import { isPermissionAllowed } from './permissions.ts';

const APP = 'app://marquee/index.html';
const camera = { permission: 'media', requestingUrl: APP, isMainFrame: true, mediaTypes: ['video'] };

describe('window permissions', () => {
  it('gives the camera to the app on profiles that scan tickets', () => {
    expect(isPermissionAllowed('gate', camera)).toBe(true);
    expect(isPermissionAllowed('box_office', camera)).toBe(true);
    expect(
      isPermissionAllowed('gate', { ...camera, requestingUrl: 'app://marquee', mediaTypes: ['unknown'] }),
    ).toBe(true);
  });

  it('refuses the camera to kiosks, to unenrolled terminals, to other origins and to iframes', () => {
    expect(isPermissionAllowed('kiosk', camera)).toBe(false);
    expect(isPermissionAllowed(undefined, camera)).toBe(false);
    expect(isPermissionAllowed('gate', { ...camera, requestingUrl: 'https://evil.example/' })).toBe(false);
    expect(isPermissionAllowed('gate', { ...camera, isMainFrame: false })).toBe(false);
  });

  it('never grants the microphone or an unspecified media request', () => {
    expect(isPermissionAllowed('gate', { ...camera, mediaTypes: ['audio'] })).toBe(false);
    expect(isPermissionAllowed('gate', { ...camera, mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(isPermissionAllowed('gate', { ...camera, mediaTypes: [] })).toBe(false);
    const { mediaTypes: _omitted, ...unspecified } = camera;
    expect(isPermissionAllowed('gate', unspecified)).toBe(false);
  });

  it.each(['geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'serial', 'fullscreen'])(
    'denies %s to everyone',
    (permission) => {
      expect(isPermissionAllowed('box_office', { ...camera, permission })).toBe(false);
    },
  );
});
