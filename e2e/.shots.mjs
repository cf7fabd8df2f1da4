import { chromium } from 'playwright-core';
const base = process.argv[2];
const pages = JSON.parse(process.argv[3]);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const [email, paths] of Object.entries(pages)) {
  for (const width of [1280, 390]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.fill('#email', email);
    await page.fill('#password', 'tandem-demo-password');
    await page.click('button[type=submit]');
    for (const path of paths) {
      const response = await page.goto(`${base}${path}`);
      const name = `${email.split('@')[0]}-${path.replace(/[^a-z0-9]+/gi, '_')}-${width}`;
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
      console.log(response.status(), name, overflow ? 'SCROLLS SIDEWAYS' : '');
    }
    await context.close();
  }
}
await browser.close();
