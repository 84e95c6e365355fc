/**
 * The entrance in real Chromium: an usher admits a ticket and the same ticket is refused the second
 * time; and a ticket held up to the camera (Chromium's fake camera playing a real QR code of a real
 * signed ticket) is read and admitted without anyone typing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { afterAll, describe, expect, it } from 'vitest';
import { en } from '../../desktop/renderer/src/i18n/strings.ts';
import { checkScreen, expectCleanScreens, launchChromium, toEnglish, type TerminalPage } from './browser.ts';
import { NO_LEASES, useE2eWorld } from './fixture.ts';
import { sellAtTill } from './harness.ts';

const world = useE2eWorld({
  till: { profile: 'box_office', leasePolicy: NO_LEASES },
  gate: { profile: 'gate' },
});
const workDir = mkdtempSync(join(tmpdir(), 'marquee-e2e-gate-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** The gate's page, in English, once it asks for a ticket. */
async function openGate(): Promise<TerminalPage> {
  const opened = await world.open(world.terminals.gate);
  await toEnglish(opened.page);
  await opened.page.getByRole('heading', { name: en.scanPrompt }).waitFor();
  return opened;
}

describe('the entrance', () => {
  it('admits a ticket and refuses the same ticket when it comes back', async () => {
    const sale = await sellAtTill(world.server, world.terminals.till, 1);
    const token = sale.tickets[0]!.token;
    const door = await openGate();
    const { page } = door;
    await checkScreen(door, 'gate-ready');

    // Typed at the door (a damaged QR code): the code field, then Enter.
    const check = async () => {
      await page.getByLabel(en.typeCode).fill(token);
      await page.getByLabel(en.typeCode).press('Enter');
    };
    await check();
    const admitted = page.locator('.verdict.verdict--go');
    await admitted.locator('.verdict-title', { hasText: en.verdictAdmitted }).waitFor();
    await checkScreen(door, 'gate-admitted');

    await check();
    const refused = page.locator('.verdict.verdict--stop');
    await refused.locator('.verdict-title', { hasText: en.verdictAlreadyAdmitted }).waitFor();
    await expect(page.locator('.verdict--go').count()).resolves.toBe(0);
    await checkScreen(door, 'gate-already-used');

    // The server agrees: one admission, and a third try there is refused too.
    const { server } = world;
    const again = await server.api('POST', '/admissions', { token: server.adminToken, body: { token } });
    expect(again.body.verdict).toBe('already_admitted');
    expectCleanScreens(door);
  }, 90_000);

  it("reads a ticket's QR code from the camera and admits it", async () => {
    for (const tool of ['ffmpeg']) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`]);
      if (found.status !== 0)
        throw new Error(`${tool} is needed for the fake camera: apt-get install -y ${tool}`);
    }
    const sale = await sellAtTill(world.server, world.terminals.till, 1);
    const token = sale.tickets[0]!.token;
    // The ticket's QR code as a printer would print it, filmed by a camera: a PNG made into a video.
    const png = join(workDir, 'ticket-qr.png');
    const video = join(workDir, 'ticket-qr.mjpeg');
    // Small in the picture, as a phone held at arm's length: the scanner reads only the middle.
    await QRCode.toFile(png, token, { errorCorrectionLevel: 'M', margin: 4, width: 320 });
    const ffmpeg = spawnSync(
      'ffmpeg',
      [
        '-y',
        '-loglevel',
        'error',
        '-loop',
        '1',
        '-i',
        png,
        '-vf',
        'pad=1280:720:(ow-iw)/2:(oh-ih)/2:color=white,format=yuvj420p',
        '-r',
        '10',
        '-t',
        '2',
        '-f',
        'mjpeg',
        video,
      ],
      { encoding: 'utf8' },
    );
    expect(ffmpeg.status, ffmpeg.stderr).toBe(0);

    const cameraBrowser = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ]);
    try {
      // The camera starts with the page and the verdict stays up for 3 s: watch from the start.
      const door = await world.open(world.terminals.gate, { browser: cameraBrowser, camera: true });
      const { page } = door;
      await page
        .locator('.verdict.verdict--go')
        .waitFor({ timeout: 45_000 })
        .catch(async (error: unknown) => {
          // What the usher saw and what the core answered, so a failure says why.
          const screen = await page.locator('body').innerText();
          const answers = JSON.stringify(door.replies.map((r) => r.result));
          throw new Error(`no admitted verdict: screen ${screen}; core answers ${answers}`, { cause: error });
        });
      await checkScreen(door, 'gate-camera-admitted');
      const verdicts = door.replies
        .map((r) => (r.result.value as { verdict?: string } | undefined)?.verdict)
        .filter((verdict) => verdict !== undefined);
      expect(verdicts).toEqual(['admitted']);
      // Held in view, the same code is not judged again (it would be refused as already used).
      await page.waitForTimeout(1500);
      expect(
        door.replies.filter((r) => (r.result.value as { verdict?: string } | undefined)?.verdict),
      ).toHaveLength(1);
      expectCleanScreens(door);
    } finally {
      await cameraBrowser.close();
    }
  }, 90_000);
});
