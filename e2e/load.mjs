// p50 and p99 of pages for a signed-in demo user, beside /health, in one run:
//   node e2e/load.mjs http://127.0.0.1:8080 mentor@tandem.example /relationships/9 /
// 400 requests per page from 4 concurrent clients; a non-200 stops the run.
const [base, email, ...paths] = process.argv.slice(2);
const N = 400;
const CONCURRENCY = 4;
async function signIn() {
  const page = await fetch(`${base}/sign-in`);
  const cookie = (page.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const html = await page.text();
  const csrf = html.match(/name="csrf" value="([^"]+)"/)?.[1] ?? '';
  const body = new URLSearchParams({ email, password: "tandem-demo-password", csrf: csrf });
  const r = await fetch(`${base}/sign-in`, { method: 'POST', body, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
  const session = (r.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  return session || cookie;
}
const cookie = await signIn();
function pct(sorted, p) { return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]; }
async function measure(path) {
  const times = [];
  let next = 0;
  async function worker() {
    while (next < N) {
      next++;
      const start = performance.now();
      const r = await fetch(`${base}${path}`, { headers: { cookie } });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
      times.push(performance.now() - start);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  times.sort((a, b) => a - b);
  return { path, p50: pct(times, 0.5).toFixed(2), p99: pct(times, 0.99).toFixed(2) };
}
for (const path of ['/health', ...paths]) console.log(JSON.stringify(await measure(path)));
