// The real tandem binary, served on a loopback port with fresh demo data,
// driven by headless Chromium: each role signs in and walks its main pages,
// and every page is checked with axe-core against WCAG 2.2 AA.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const binary = process.env.TANDEM_BIN ?? join(here, '..', 'target', 'debug', 'tandem');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const shots = join(here, 'screenshots');
const PASSWORD = 'tandem-demo-password';

let server;
let baseUrl;
let browser;
let workdir;

before(async () => {
  workdir = mkdtempSync(join(tmpdir(), 'tandem-e2e-'));
  mkdirSync(shots, { recursive: true });
  server = spawn(binary, ['--database-url', `sqlite://${join(workdir, 'demo.db')}`, 'demo', '--bind', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  baseUrl = await new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`tandem did not start: ${output}`)), 60_000);
    server.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/running at (http:\/\/[^\s]+?)\/?\s/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    server.stderr.on('data', (chunk) => { output += chunk; });
    server.on('exit', (code) => reject(new Error(`tandem exited with ${code}: ${output}`)));
  });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

/** Runs axe on the page and fails with every violation listed. */
async function checkAccessibility(page, name) {
  // Every page state at a phone's width and a laptop's: a screenshot of
  // each, and nothing wider than the screen (no sideways scrolling).
  // The narrowest phone in use (320 px) is checked too, without a picture.
  for (const width of [320, 390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    if (width !== 320) {
      await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
    }
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than a ${width}px screen`);
  }
  // Several forms on one page never share an id (a label would name the wrong input).
  const duplicated = await page.evaluate(() => {
    const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
    return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  });
  assert.deepEqual(duplicated, [], `${name}: ids used more than once`);
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
  });
  const problems = result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(problems, [], `${name}: accessibility problems:\n${problems.join('\n')}`);
}

async function signIn(email) {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  assert.match(page.url(), /\/sign-in/);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.click('main button[type=submit]');
  await page.waitForSelector('h1');
  return { context, page };
}

// The pages run under a strict Content-Security-Policy (no script at all):
// the journeys above inject axe, so they bypass it; this one does not, and
// checks that the page and its stylesheet work under the policy.
test('pages work under the Content-Security-Policy', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const blocked = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
  });
  const response = await page.goto(`${baseUrl}/sign-in`);
  assert.match(response.headers()['content-security-policy'] ?? '', /frame-ancestors 'none'/);
  const styled = await page.evaluate(() =>
    [...document.styleSheets].some((sheet) => sheet.href && sheet.cssRules.length > 0));
  assert.ok(styled, 'the stylesheet loads under the policy');
  assert.deepEqual(blocked, []);
  await context.close();
});

test('the sign-in page and its error summary are accessible', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/sign-in`);
  await checkAccessibility(page, 'sign-in');
  await page.fill('#email', 'admin@tandem.example');
  await page.fill('#password', 'wrong password');
  await page.click('main button[type=submit]');
  await page.waitForSelector('.error-summary');
  assert.match(await page.textContent('.error-summary'), /The email address or password is not right/);
  await checkAccessibility(page, 'sign-in-error');
  await context.close();
});

const roles = [
  ['admin@tandem.example', 'administrator', ['/', '/people', '/people/import', '/programmes', '/no-such-page']],
  ['coordinator@tandem.example', 'coordinator', ['/', '/people', '/people/import', '/programmes', '/programmes/new']],
  ['hr@tandem.example', 'hr', ['/', '/people', '/programmes']],
  ['manager@tandem.example', 'line-manager', ['/', '/people']],
  ['ssw@tandem.example', 'ssw', ['/', '/people', '/programmes']],
  ['mentor@tandem.example', 'mentor', ['/', '/programmes', '/profile']],
  ['mentee@tandem.example', 'mentee', ['/', '/people', '/profile']],
];

for (const [email, name, paths] of roles) {
  test(`${name}: signs in, sees a home page, and every page is accessible`, async () => {
    const { context, page } = await signIn(email);
    assert.match(await page.textContent('h1'), /Hello/);
    for (const path of paths) {
      await page.goto(`${baseUrl}${path}`);
      await checkAccessibility(page, `${name}${path.replaceAll('/', '_') || '_home'}`);
    }
    // The first person and programme linked from the listings.
    await page.goto(`${baseUrl}/people`);
    const person = await page.$('main table a');
    if (person) {
      await person.click();
      await page.waitForSelector('dl');
      await checkAccessibility(page, `${name}_person`);
    }
    await page.goto(`${baseUrl}/programmes`);
    const programme = await page.$('main a[href^="/programmes/"]:not([href$="/new"])');
    if (programme) {
      await programme.click();
      await page.waitForSelector('h1');
      await checkAccessibility(page, `${name}_programme`);
    }
    await page.click('text=Sign out');
    await page.waitForURL(/\/signed-out/);
    await checkAccessibility(page, `${name}_signed_out`);
    await context.close();
  });
}

test('a coordinator uploads a bad HR export, sees every problem, and nothing is imported', async () => {
  const { context, page } = await signIn('coordinator@tandem.example');
  await page.goto(`${baseUrl}/people`);
  const before = await page.textContent('main p[aria-live]');
  const file = join(workdir, 'bad.csv');
  writeFileSync(file, 'employee_id,given_name,family_name,email\nN1,New,Person,new@example.org\nN2,,Person,broken\n');
  await page.goto(`${baseUrl}/people/import`);
  await page.setInputFiles('#file', file);
  await page.click('main button[type=submit]');
  await page.waitForSelector('.error-summary');
  const table = await page.textContent('main table');
  assert.match(table, /3\s*given_name\s*must not be empty/);
  assert.match(table, /3\s*email\s*"broken" is not an email address/);
  await checkAccessibility(page, 'coordinator_import_errors');
  await page.goto(`${baseUrl}/people`);
  assert.equal(await page.textContent('main p[aria-live]'), before);
  await context.close();
});

test("a coordinator's programme settings form is accessible", async () => {
  const { context, page } = await signIn('coordinator@tandem.example');
  await page.goto(`${baseUrl}/programmes`);
  const link = await page.$('main a[href^="/programmes/"]:not([href$="/new"])');
  assert.ok(link, 'the coordinator has a programme');
  const href = await link.getAttribute('href');
  await page.goto(`${baseUrl}${href}/settings`);
  await checkAccessibility(page, 'coordinator_settings');
  await context.close();
});

test('a coordinator starts a programme as a draft, publishes it, and a public page reads signed out', async () => {
  const { context, page } = await signIn('coordinator@tandem.example');
  await page.goto(`${baseUrl}/programmes/new`);
  await page.check('input[name=template][value=fun]');
  await page.fill('#key', 'new-starters');
  await page.fill('#name', 'Buddies for new starters');
  await page.click('main button[type=submit]');
  await page.waitForSelector('h1');
  assert.match(await page.textContent('main'), /Only the programme's coordinators can see this programme/);
  assert.equal(await page.locator('main a', { hasText: 'Ask for a mentor' }).count(), 0);
  await checkAccessibility(page, 'coordinator_draft_programme');
  await page.click('main button:has-text("Publish the programme")');
  await page.waitForSelector('h1');
  assert.match(await page.textContent('main'), /Programme published/);
  await checkAccessibility(page, 'coordinator_published_programme');
  await context.close();

  // The cross-border partnership publishes its page to anyone.
  const visitor = await browser.newContext({ bypassCSP: true });
  const visit = await visitor.newPage();
  await visit.goto(`${baseUrl}/programmes`);
  assert.match(visit.url(), /\/sign-in/, 'the list is for staff');
  const admin = await signIn('admin@tandem.example');
  await admin.page.goto(`${baseUrl}/programmes`);
  const cwt = await admin.page.locator('main a', { hasText: 'Connect' }).first().getAttribute('href');
  await admin.context.close();
  await visit.goto(`${baseUrl}${cwt}`);
  assert.match(await visit.textContent('main'), /How to apply/);
  assert.match(await visit.textContent('main'), /Sign in to ask for a mentor/);
  await checkAccessibility(visit, 'public_programme');
  await visitor.close();
});

test('a coordinator screens a request and runs matching; the pages are accessible', async () => {
  const { context, page } = await signIn('coordinator@tandem.example');
  await page.goto(`${baseUrl}/programmes`);
  const link = page.locator('main a', { hasText: 'CAFCASS' }).first();
  const href = await link.getAttribute('href');
  for (const path of ['/screening', '/register', '/matching']) {
    await page.goto(`${baseUrl}${href}${path}`);
    assert.equal(await page.locator('h1').count(), 1, `${path} has one heading`);
    await checkAccessibility(page, `coordinator_caf${path.replaceAll('/', '_')}`);
  }
  await context.close();
});

test('a mentor records a characteristic on their profile and agrees to matching on it', async () => {
  const { context, page } = await signIn('mentor@tandem.example');
  await page.click('header >> text=About you');
  await page.waitForSelector('h1');
  assert.match(await page.textContent('h1'), /About you, for matching/);
  await page.fill('#religion', 'Quaker');
  await page.check('#religion_consent');
  await submit(page, '/profile');
  assert.match(await page.textContent('.panel-success'), /Saved/);
  assert.equal(await page.inputValue('#religion'), 'Quaker');
  assert.ok(await page.isChecked('#religion_consent'));
  assert.ok(!(await page.isChecked('#gender_consent')));
  await checkAccessibility(page, 'mentor_profile_saved');
  await context.close();
});

test("a CAF request asks only what CAF matches on", async () => {
  const { context, page } = await signIn('coordinator@tandem.example');
  await page.goto(`${baseUrl}/programmes`);
  const href = await page.locator('main a', { hasText: 'CAFCASS' }).first().getAttribute('href');
  await page.goto(`${baseUrl}${href}/request`);
  await page.waitForSelector('h1');
  assert.ok(await page.$('#race'));
  assert.ok(await page.$('#other_team'));
  assert.equal(await page.$('#religion'), null);
  assert.equal(await page.$('#other_jurisdiction'), null);
  await checkAccessibility(page, 'caf_request_form');
  await context.close();
});

test('the demo mentor reads a proposal, must give a reason to decline, and accepts', async () => {
  const { context, page } = await signIn('mentor@tandem.example');
  await page.click('text=Would you mentor');
  await page.waitForSelector('h1');
  assert.match(await page.textContent('h1'), /Would you mentor/);
  assert.match(await page.textContent('main'), /What they asked for/);
  assert.match(await page.textContent('main'), /chosen by the coordinator/i);
  await checkAccessibility(page, 'mentor_proposal');
  // "Why do you decline?" is revealed by "I decline", by the stylesheet alone.
  const reasons = page.locator('input[name=reason]').first();
  assert.equal(await reasons.isVisible(), false, 'the reasons wait for "I decline"');
  await page.check('input[name=answer][value=decline]');
  assert.equal(await reasons.isVisible(), true, '"I decline" reveals the reasons');
  await page.click('main button[type=submit]');
  await page.waitForSelector('.error-summary');
  assert.match(await page.textContent('.error-summary'), /Choose why you are declining/);
  await checkAccessibility(page, 'mentor_proposal_error');
  await page.check('input[name=answer][value=accept]');
  await page.click('main button[type=submit]');
  await page.waitForSelector('h1');
  // Accepting starts the relationship: its task list says what comes next.
  assert.match(page.url(), /\/relationships\/\d+$/);
  assert.match(await page.textContent('main'), /What happens next/);
  assert.match(await page.textContent('main'), /Introductory meeting/);
  await checkAccessibility(page, 'mentor_new_relationship');
  await context.close();
});

test('the demo mentor records a meeting from their home page; CWT keeps no notes', async () => {
  const { context, page } = await signIn('mentor@tandem.example');
  await page.click('main a:has-text("Meetings (")');
  await page.waitForSelector('h1');
  assert.match(await page.textContent('main'), /What happens next/);
  await checkAccessibility(page, 'mentor_relationship');
  const before = await page.locator('#meetings-table tbody tr').count();
  await page.click('summary:has-text("Record a meeting")');
  assert.equal(await page.locator('textarea[name=notes]').count(), 0, 'no field for notes in CWT');
  await page.click('form[action$="/meetings"] button[type=submit]');
  await page.waitForSelector('.error-summary');
  await checkAccessibility(page, 'mentor_meeting_error');
  const today = new Date().toISOString().slice(0, 10);
  await page.fill('form[action$="/meetings"] input[name=date]', today);
  await page.fill('form[action$="/meetings"] input[name=minutes]', '60');
  await page.check('form[action$="/meetings"] input[name=kind]');
  await page.click('form[action$="/meetings"] button[type=submit]');
  await page.waitForSelector('h1');
  assert.equal(await page.locator('.error-summary').count(), 0);
  assert.equal(await page.locator('#meetings-table tbody tr').count(), before + 1);
  await context.close();
});

test('the coordinator oversees relationships by state; the line manager signs the time commitment', async () => {
  const coordinator = await signIn('coordinator@tandem.example');
  await coordinator.page.goto(`${baseUrl}/programmes`);
  const href = await coordinator.page.locator('main a', { hasText: 'CAFCASS' }).first().getAttribute('href');
  await coordinator.page.goto(`${baseUrl}${href}/relationships`);
  assert.match(await coordinator.page.textContent('main'), /Agreed \(active\)/);
  await checkAccessibility(coordinator.page, 'coordinator_relationships');
  await coordinator.page.click('main table a');
  await coordinator.page.waitForSelector('h1');
  assert.match(await coordinator.page.textContent('main'), /what the pairs write|the pair's/i);
  await checkAccessibility(coordinator.page, 'coordinator_relationship');
  await coordinator.context.close();

  const manager = await signIn('manager@tandem.example');
  await manager.page.click('main a:has-text("You sign the time commitment")');
  await manager.page.waitForSelector('h1');
  assert.match(await manager.page.textContent('main'), /Time it takes/);
  await checkAccessibility(manager.page, 'manager_relationship');
  await manager.page.click('main button:has-text("Sign version")');
  await manager.page.waitForSelector('h1');
  assert.match(await manager.page.textContent('main'), /nothing for you to do here now/);
  await manager.context.close();
});

/** A date `days` from today, as the pages take it (YYYY-MM-DD). */
function isoDate(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Submits the form with this action (the end of its URL) and waits for the page. */
async function submit(page, action, button = 'button[type=submit]') {
  await page.click(`form[action$="${action}"] ${button}`);
  await page.waitForSelector('h1');
  const summary = await page.locator('.error-summary').count();
  assert.equal(summary, 0, `${action}: ${summary ? await page.textContent('.error-summary') : ''}`);
}

async function stateOf(page) {
  return (await page.textContent('dl.summary-list dd')).trim();
}

test('a CWT relationship from acceptance to completion, through the pages', async () => {
  // The demo mentor accepted the proposal in the journey above; the mentee
  // finds the relationship on their home page.
  const mentee = await signIn('cwt.mentee@tandem.example');
  await mentee.page.click('main a:has-text("Mentored by")');
  await mentee.page.waitForSelector('h1');
  const url = mentee.page.url();
  assert.match(url, /\/relationships\/\d+$/);
  assert.equal(await stateOf(mentee.page), 'Introduced');
  await checkAccessibility(mentee.page, 'cwt_mentee_introduced');

  // CWT 2.2.4: the mentee arranges the introduction; the invitation downloads.
  await mentee.page.fill('#intro-date', isoDate(1));
  await mentee.page.fill('#intro-time', '10:30');
  await mentee.page.fill('#intro-place', 'Video call');
  await submit(mentee.page, '/introduction');
  const ics = await mentee.page.request.get(`${url}/introduction.ics`);
  assert.equal(ics.status(), 200);
  assert.match(await ics.text(), /BEGIN:VCALENDAR[\s\S]*BEGIN:VEVENT/);

  // The mentee drafts the agreement (a blank length is refused, naming it).
  await mentee.page.fill('#agreement-length_months', '');
  await mentee.page.click('form[action$="/agreement"] button[type=submit]');
  await mentee.page.waitForSelector('.error-summary');
  assert.equal(await mentee.page.locator('.error-summary a[href^="#agreement-"]').count() > 0, true);
  await checkAccessibility(mentee.page, 'cwt_agreement_error');
  await mentee.page.fill('#agreement-length_months', '6');
  await mentee.page.fill('#agreement-review_date', isoDate(90));
  await mentee.page.fill('#agreement-meet_every', '1');
  await mentee.page.fill('#agreement-min_minutes', '60');
  await mentee.page.fill('#agreement-max_minutes', '90');
  await submit(mentee.page, '/agreement');
  // CWT 2.2.5: the mentee drafts, and the mentor signs it.
  assert.equal(await mentee.page.locator('form[action$="/agreement/sign"]').count(), 0);
  assert.match(await mentee.page.textContent('#agreement ~ dl'), /Waiting for\s*the mentor/);

  // The mentor signs the version the mentee drafted.
  const mentor = await signIn('mentor@tandem.example');
  await mentor.page.goto(url);
  await submit(mentor.page, '/agreement/sign');

  // Going ahead starts the mentoring.
  await mentee.page.goto(url);
  await submit(mentee.page, '/step', 'button:has-text("Start the mentoring")');
  assert.equal(await stateOf(mentee.page), 'Agreed (active)');

  // CWT keeps metadata only: the mentor records a meeting with no notes field.
  await mentor.page.goto(url);
  await mentor.page.click('summary:has-text("Record a meeting")');
  assert.equal(await mentor.page.locator('textarea[name=notes]').count(), 0);
  await mentor.page.fill('#meeting-date', isoDate(0));
  await mentor.page.fill('#meeting-minutes', '75');
  await mentor.page.check('#meeting-kind');
  await submit(mentor.page, '/meetings');
  assert.equal(await mentor.page.locator('#meetings-table tbody tr').count(), 1);

  // The closing review: the self-assessment again, the joint review, then complete.
  await submit(mentee.page, '/step', 'button:has-text("Start a review")');
  assert.equal(await stateOf(mentee.page), 'Under review');
  await mentee.page.goto(url);
  const questions = await mentee.page.locator('form:has(input[value=after_self_assessment]) fieldset').count();
  assert.ok(questions > 0, 'CWT asks the self-assessment again');
  for (let q = 1; q <= questions; q += 1) await mentee.page.check(`#after-q${q}-2`);
  await mentee.page.click('form:has(input[value=after_self_assessment]) button[type=submit]');
  await mentee.page.waitForSelector('h1');
  assert.equal(await mentee.page.locator('.error-summary').count(), 0);
  await checkAccessibility(mentee.page, 'cwt_mentee_closing_review');
  // Each of the pair answers and confirms their part of the joint review.
  for (const who of [mentee, mentor]) {
    await who.page.goto(url);
    for (;;) {
      const answer = who.page.locator('form[action$="/completion"]:has(textarea)').first();
      if (await answer.count() === 0) break;
      await answer.locator('textarea').fill('It helped me lead the change in my team.');
      await answer.locator('button').click();
      await who.page.waitForSelector('h1');
    }
  }
  for (const who of [mentee, mentor]) {
    await who.page.goto(url);
    for (;;) {
      const confirm = who.page.locator('form[action$="/completion"] button:has-text("Confirm")').first();
      if (await confirm.count() === 0) break;
      await confirm.click();
      await who.page.waitForSelector('h1');
    }
  }
  await mentee.page.goto(url);
  await submit(mentee.page, '/step', 'button:has-text("Complete the relationship")');
  assert.equal(await stateOf(mentee.page), 'Completed');
  // The mentee sees how their answers changed.
  assert.match(await mentee.page.textContent('main'), /How your answers changed/);
  await checkAccessibility(mentee.page, 'cwt_mentee_completed');
  await mentee.context.close();
  await mentor.context.close();
});

test('a FUN relationship from acceptance to completion, through the pages', async () => {
  const mentor = await signIn('fun.mentor@tandem.example');
  await mentor.page.click('text=Would you mentor');
  await mentor.page.waitForSelector('h1');
  await mentor.page.check('input[name=answer][value=accept]');
  await mentor.page.click('main button[type=submit]');
  await mentor.page.waitForSelector('h1');
  const url = mentor.page.url();
  assert.match(url, /\/relationships\/\d+$/);

  // Either of the pair arranges the introduction in FUN; the mentee does.
  const mentee = await signIn('fun.mentee@tandem.example');
  await mentee.page.goto(url);
  await mentee.page.fill('#intro-date', isoDate(2));
  await mentee.page.fill('#intro-time', '13:00');
  await mentee.page.fill('#intro-place', 'The staff room');
  await submit(mentee.page, '/introduction');

  // The pair draft the agreement (Appendix A) and both sign it.
  await mentee.page.fill('[id="agreement-clauses[5]"]', 'Settling in to the baby room, and planning for the under-twos.');
  await mentee.page.fill('#agreement-length_months', '6');
  await mentee.page.fill('#agreement-review_date', isoDate(90));
  await mentee.page.fill('#agreement-meet_every', '1');
  await mentee.page.fill('#agreement-min_minutes', '45');
  await mentee.page.fill('#agreement-max_minutes', '90');
  await submit(mentee.page, '/agreement');
  await submit(mentee.page, '/agreement/sign');
  await mentor.page.goto(url);
  assert.match(await mentor.page.textContent('#agreement ~ ol'), /baby room/);
  await submit(mentor.page, '/agreement/sign');
  assert.match(await mentor.page.textContent('main'), /Version 1 – in force/);
  await submit(mentor.page, '/step', 'button:has-text("Start the mentoring")');
  assert.equal(await stateOf(mentor.page), 'Agreed (active)');

  // A SMART plan (Appendix B), written by the mentee.
  await mentee.page.goto(url);
  await mentee.page.click('summary:has-text("Write the plan")');
  await mentee.page.fill('#plan-needs', 'Confidence leading a room');
  await mentee.page.fill('#plan-strengths', 'Warm with the children and parents');
  await mentee.page.fill('#plan-start', isoDate(0));
  await mentee.page.fill('#plan-completion', isoDate(180));
  await mentee.page.fill('#plan-review_date', isoDate(90));
  await mentee.page.fill('[id="plan-goals[0].what"]', 'Lead the baby room for a week');
  await mentee.page.fill('[id="plan-goals[0].measure"]', 'The room leader signs it off');
  await mentee.page.fill('[id="plan-goals[0].by"]', isoDate(120));
  await mentee.page.fill('[id="plan-goals[0].strategies"]', 'Shadow the room leader first');
  await mentee.page.fill('[id="plan-actions[0].what"]', 'Book three shadowing sessions');
  await mentee.page.fill('[id="plan-actions[0].due"]', isoDate(30));
  await submit(mentee.page, '/plan');
  assert.match(await mentee.page.textContent('#plan ~ ol'), /Lead the baby room/);

  // The mentor writes the meeting log with an action point; the mentee agrees it (Appendix C).
  await mentor.page.goto(url);
  await mentor.page.click('summary:has-text("Record a meeting")');
  await mentor.page.fill('#meeting-date', isoDate(0));
  await mentor.page.fill('#meeting-minutes', '60');
  await mentor.page.check('#meeting-kind');
  await mentor.page.fill('#meeting-notes', 'Talked through the first week and the room routines.');
  await mentor.page.fill('[id="meeting-action_points[0].what"]', 'Read the room risk assessment');
  await mentor.page.selectOption('[id="meeting-action_points[0].owner"]', 'mentee');
  await mentor.page.fill('[id="meeting-action_points[0].due"]', isoDate(14));
  await submit(mentor.page, '/meetings');
  assert.match(await mentor.page.textContent('#meetings-table'), /Waiting for the mentee/);
  await mentee.page.goto(url);
  assert.match(await mentee.page.textContent('main'), /To review at your next meeting[\s\S]*risk assessment/);
  await mentee.page.click('button:has-text("Agree this record")');
  await mentee.page.waitForSelector('h1');
  assert.doesNotMatch(await mentee.page.textContent('#meetings-table'), /Waiting for/);

  // Stages (LIF-5): the pair say where they are.
  await mentee.page.selectOption('#stage-process', { index: 2 });
  await submit(mentee.page, '/stage');
  await checkAccessibility(mentee.page, 'fun_mentee_active');
  // On a phone, nothing scrolls sideways: not the task list, the forms or the tables.
  await mentee.page.setViewportSize({ width: 390, height: 844 });
  await mentee.page.screenshot({ path: join(shots, 'fun_mentee_active_390.png'), fullPage: true });
  const overflow = await mentee.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 390px screen`);
  await mentee.page.setViewportSize({ width: 1280, height: 720 });

  // The closing review, then completion.
  await submit(mentor.page, '/step', 'button:has-text("Start a review")');
  await mentor.page.goto(url);
  await submit(mentor.page, '/step', 'button:has-text("Complete the relationship")');
  assert.equal(await stateOf(mentor.page), 'Completed');
  await checkAccessibility(mentor.page, 'fun_mentor_completed');
  // Nothing is left to do for it on the mentor's home page.
  await mentor.page.goto(`${baseUrl}/`);
  const todo = await mentor.page.locator(`main li a[href$="${new URL(url).pathname}"]`).allTextContents();
  assert.ok(todo.every((text) => !/^(Introductory|Agreement|Meetings|Reviews|Action plan)/.test(text)), todo.join('\n'));
  await mentee.context.close();
  await mentor.context.close();
});
