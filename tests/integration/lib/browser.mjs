// Debian's Chromium driven by playwright-core, headless and kept off the network (only loopback pages):
//   if (!chromiumMissing) browser = await launchChromium();
import fs from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/** A reason to skip browser tests (node:test `skip`), or false when Chromium is installed. */
export const chromiumMissing = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} does not exist`;

// Without the background-networking flags Chromium keeps trying hosts this machine cannot reach.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 30_000 });
}
