// End-to-end test of the web UI as its users meet it (issue 15): a fresh SQLite database with the
// demo tenant, a server on a free loopback port, and Debian's chromium driven by playwright-core
// (no browser is ever downloaded, no request leaves the machine). It signs in, imports a good VTT
// and a broken SRT, watches the synchronized transcript, renames a speaker, shows a layer, exports,
// searches, checks that a viewer sees no admin page and another tenant sees none of these videos,
// runs axe-core on every page, saves a screenshot of each, and measures the 3-hour transcript's
// page (interactive time, scrolling frame rate, asset weight) into ui-perf.json.
//
// usage: node ui_test.mjs path/to/narralytica ARTIFACT_DIR
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

const [bin, artifacts] = process.argv.slice(2);
if (!bin || !artifacts) {
  console.error('usage: node ui_test.mjs path/to/narralytica ARTIFACT_DIR');
  process.exit(2);
}
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'narralytica-ui-'));
const db = join(work, 'ui.db');
mkdirSync(artifacts, { recursive: true });

// page.waitForFunction compiles its predicate with eval, which the UI's Content-Security-Policy
// refuses (as it should); page.evaluate runs through the debugging protocol, outside the policy.
async function until(page, predicate, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(predicate)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${predicate}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// Scrolls `selector` by 120 px a frame for 3 s (a fast flick, two to three new rows a frame) and
// counts the frames the browser managed.
function scrollFor3s(selector) {
  return new Promise((resolve) => {
    const list = document.querySelector(selector);
    const frames = [];
    let last = performance.now();
    const end = last + 3000;
    function step(now) {
      frames.push(now - last);
      last = now;
      list.scrollTop += 120;
      if (now < end) requestAnimationFrame(step);
      else {
        const row = document.querySelector('.seg');
        resolve({ frames: frames.length, seconds: 3, worst_frame_ms: Math.round(Math.max(...frames.slice(2))),
                  long_frames: frames.filter((f) => f > 20).length, reached_row: row ? Number(row.dataset.row) : null });
      }
    }
    requestAnimationFrame(step);
  });
}

let failures = 0;
let passes = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passes++;
    console.log(`ok    ${name}`);
  } else {
    failures++;
    console.log(`FAIL  ${name}${detail ? `: ${detail}` : ''}`);
  }
}

function cli(args, env = {}) {
  return execFileSync(bin, ['--db', db, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
}

// --- data: the demo tenant, users of three roles, another tenant, a layer, a 3-hour transcript ---
const demo = cli(['demo']);
const demoToken = demo.match(/^token\s+(\S+)/m)[1];
const briefingId = demo.match(/^video\s+(\S+)\s+newsroom-briefing/m)[1];
const PASSWORD = 'correct horse battery';
for (const [email, role] of [
  ['ada@example.org', 'admin'],
  ['vic@example.org', 'viewer'],
]) {
  cli(['admin', 'user', 'create', email, '--password-env', 'UI_TEST_PASSWORD'], { UI_TEST_PASSWORD: PASSWORD });
  cli(['admin', 'member', 'add', '--tenant', 'demo', '--user', email, '--role', role]);
}
cli(['admin', 'tenant', 'create', 'other']);
cli(['admin', 'user', 'create', 'ola@example.org']);
cli(['admin', 'member', 'add', '--tenant', 'other', '--user', 'ola@example.org', '--role', 'owner']);
// Mia works in two tenants: she chooses one after signing in and switches in the header.
cli(['admin', 'user', 'create', 'mia@example.org', '--password-env', 'UI_TEST_PASSWORD'], { UI_TEST_PASSWORD: PASSWORD });
cli(['admin', 'member', 'add', '--tenant', 'demo', '--user', 'mia@example.org', '--role', 'editor']);
cli(['admin', 'member', 'add', '--tenant', 'other', '--user', 'mia@example.org', '--role', 'viewer']);
const otherToken = cli(['admin', 'token', 'create', '--tenant', 'other', '--user', 'ola@example.org']).match(/nla_\S+/)[0];

// A 3-hour WhisperX transcript: 3,000 segments of 10 words (30,000 words), two speakers.
const WORDS = 'the council weighed the budget and the river bridges again'.split(' ');
const segments = [];
for (let i = 0; i < 3000; i++) {
  const start = i * 3.6;
  const words = WORDS.map((w, k) => ({ word: k === 0 ? `${w}${i}` : w, start: start + k * 0.33, end: start + k * 0.33 + 0.3 }));
  segments.push({ start, end: start + 3.4, speaker: `SPEAKER_0${i % 2}`, text: words.map((w) => w.word).join(' '), words });
}
writeFileSync(join(work, 'three-hours.whisperx.json'), JSON.stringify({ segments, language: 'en' }));
const bigOut = cli(['import', '--tenant', 'demo', '--title', 'Three-hour hearing', join(work, 'three-hours.whisperx.json')]);
const bigId = bigOut.match(/video (\S+)/)[1];

// --- the server, on a free loopback port ---
const server = spawn(bin, ['--db', db, 'serve', '--listen', '127.0.0.1:0', '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
const base = await new Promise((resolve, reject) => {
  let text = '';
  server.stderr.on('data', (chunk) => {
    text += chunk;
    const m = text.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
    if (m) resolve(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`server exited ${code}: ${text}`)));
  setTimeout(() => reject(new Error(`server did not start: ${text}`)), 30_000);
});
// The bytes of index.html and every asset it names, as sent to a browser that accepts gzip.
async function uiWeight() {
  const raw = (path) =>
    new Promise((resolve, reject) => {
      http.get(base + path, { headers: { 'Accept-Encoding': 'gzip' } }, (response) => {
        const chunks = [];
        response.on('data', (c) => chunks.push(c));
        response.on('end', () => resolve({ bytes: Buffer.concat(chunks), encoding: response.headers['content-encoding'] }));
      }).on('error', reject);
    });
  const index = await raw('/');
  const html = index.encoding === 'gzip' ? gunzipSync(index.bytes).toString() : index.bytes.toString();
  let total = index.bytes.length;
  for (const [, asset] of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) total += (await raw(asset)).bytes.length;
  return total;
}
async function api(path, token, options = {}) {
  const response = await fetch(base + path, { ...options, headers: { Authorization: `Bearer ${token}`, ...(options.headers || {}) } });
  return { status: response.status, body: response.status === 204 ? null : await response.json().catch(() => null) };
}

const briefingTranscript = (await api(`/v1/videos/${briefingId}/transcripts`, demoToken)).body.items[0].id;
const layer = {
  kind: 'sentiment',
  producer: { name: 'ui-test', version: '1' },
  items: [0, 1, 2, 3, 4, 5].map((i) => ({ segment: i, value: { label: i % 2 ? 'negative' : 'positive', score: 0.8 } })),
};
const stored = await api(`/v1/transcripts/${briefingTranscript}/layers`, demoToken, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(layer),
});
check('a sentiment layer is stored for the briefing', stored.status === 201, JSON.stringify(stored.body));

// --- the browser ---
const userDataDir = join(work, 'chromium-profile');
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  acceptDownloads: true,
  viewport: { width: 1280, height: 800 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--autoplay-policy=no-user-gesture-required',
  ],
});
const offOrigin = [];
const cspErrors = [];
context.on('request', (r) => {
  const url = r.url();
  if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('blob:')) offOrigin.push(url);
});
function watch(page) {
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) cspErrors.push(m.text());
  });
  page.on('pageerror', (e) => cspErrors.push(`page error: ${e.message}`));
  return page;
}

async function audit(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false });
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(`axe: no serious or critical violation on ${name}`, bad.length === 0,
    bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`).join('; '));
}

async function signIn(page, email) {
  await page.goto(`${base}/`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Library' }).waitFor();
}

const page = watch(context.pages()[0] || (await context.newPage()));
try {
  // Sign in with e-mail and password.
  await page.goto(`${base}/`);
  await page.getByRole('heading', { name: 'Sign in to Narralytica' }).waitFor();
  await audit(page, 'sign-in');
  await signIn(page, 'ada@example.org');
  const stored = await page.evaluate(() => JSON.stringify(sessionStorage));
  check('the token is kept in sessionStorage', /nla_/.test(stored));
  check('no token in the URL', !/nla_/.test(page.url()));
  await page.getByRole('link', { name: 'newsroom-briefing' }).waitFor();
  check('the library lists the demo videos', await page.getByRole('link', { name: 'city-council-hearing' }).isVisible());
  await audit(page, 'library');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(artifacts, 'library-phone.png') });
  check('the library has no horizontal scroll at phone width', await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
  await page.setViewportSize({ width: 1280, height: 800 });

  // Import a good VTT and a broken SRT.
  writeFileSync(join(work, 'good-talk.vtt'), 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ann>A good file.\n\n00:00:04.000 --> 00:00:06.000\n<v Bob>It imports.\n');
  writeFileSync(join(work, 'broken-talk.srt'), '1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:03,000 --> whenever\nbroken\n');
  await page.getByRole('link', { name: 'Import', exact: true }).click();
  await page.getByRole('heading', { name: 'Import transcripts' }).waitFor();
  await page.locator('input[type=file]').setInputFiles([join(work, 'good-talk.vtt'), join(work, 'broken-talk.srt')]);
  const good = page.locator('.imports li', { hasText: 'good-talk.vtt' });
  const broken = page.locator('.imports li', { hasText: 'broken-talk.srt' });
  await good.locator('text=Imported').waitFor();
  await broken.locator('[role=alert]').waitFor();
  const brokenText = await broken.textContent();
  check('the broken SRT is refused with its line and column', /line 6, column \d+/.test(brokenText), brokenText);
  check('the good VTT is imported with its segments', /Imported: 2 segments/.test(await good.textContent()));
  await audit(page, 'import');

  // The video page: player and transcript.
  await page.goto(`${base}/videos/${briefingId}`);
  await page.locator('.seg').first().waitFor();
  const video = page.locator('video.player');
  await until(page, () => document.querySelector('video.player')?.readyState >= 1);
  await audit(page, 'video');
  const third = page.locator('.seg[data-row="2"]');
  const thirdStart = (await api(`/v1/transcripts/${briefingTranscript}/segments?limit=3`, demoToken)).body.items[2].start_ms;
  await third.locator('.ts').click();
  await page.waitForTimeout(300);
  const afterClick = await video.evaluate((v) => v.currentTime);
  check('clicking a segment seeks the player there', Math.abs(afterClick * 1000 - thirdStart) < 150, `${afterClick} s vs ${thirdStart} ms`);
  check('the clicked segment is highlighted', (await third.getAttribute('class')).includes('current'));
  check('the URL carries the time', /#t=[\d.]+$/.test(page.url()), page.url());

  await video.evaluate((v) => v.play());
  await page.waitForTimeout(1500);
  const wordWhilePlaying = await page.evaluate(() => document.querySelector('.seg.current .word.now')?.textContent);
  await page.waitForTimeout(1000);
  // Paused, so the highlight and the position are read at one instant (not a frame apart).
  await video.evaluate((v) => v.pause());
  await page.waitForTimeout(300);
  const playing = await page.evaluate(() => {
    const v = document.querySelector('video.player');
    const current = document.querySelector('.seg.current');
    return { t: v.currentTime, row: current && Number(current.dataset.row), word: document.querySelector('.seg.current .word.now')?.textContent };
  });
  const segs = (await api(`/v1/transcripts/${briefingTranscript}/segments`, demoToken)).body.items;
  const expectedRow = segs.findLastIndex((s) => s.start_ms <= playing.t * 1000);
  check('playing moves the highlight to the segment being spoken', playing.t > afterClick + 1 && playing.row === expectedRow,
    JSON.stringify({ ...playing, expectedRow }));
  check('the word being spoken is highlighted', Boolean(wordWhilePlaying) && Boolean(playing.word), JSON.stringify({ wordWhilePlaying, ...playing }));

  // Clicking a word seeks to that word.
  const fifth = segs[4];
  const word = fifth.words[3];
  const from = fifth.words.slice(0, 3).map((w) => w.w).join(' ').length + 1;
  const box = await page.locator('.seg[data-row="4"] .text').evaluate((p, [start, length]) => {
    const range = document.createRange();
    range.setStart(p.firstChild, start);
    range.setEnd(p.firstChild, start + length);
    const r = range.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  }, [from, word.w.length]);
  await page.mouse.click(box.x, box.y);
  await page.waitForTimeout(300);
  const atWord = await video.evaluate((v) => v.currentTime);
  check('clicking a word seeks the player to that word', Math.abs(atWord * 1000 - word.s) < 150, `${atWord} s vs ${word.s} ms (${word.w})`);

  // #t= opens at that moment.
  const atSegment = segs[4];
  await page.goto(`${base}/`);  // a fresh load: a link opened from elsewhere
  await page.goto(`${base}/videos/${briefingId}#t=${Math.ceil(atSegment.start_ms / 1000)}`);
  await until(page, () => document.querySelector('video.player')?.readyState >= 1 && document.querySelector('.seg.current'));
  const opened = await page.evaluate(() => ({ t: document.querySelector('video.player').currentTime, row: Number(document.querySelector('.seg.current').dataset.row) }));
  check('#t=SECONDS opens the player and the transcript at that moment', Math.abs(opened.t - Math.ceil(atSegment.start_ms / 1000)) < 0.2 && opened.row === 4, JSON.stringify(opened));

  // Rename a speaker in place.
  await page.getByRole('button', { name: 'Rename SPEAKER_00' }).click();
  await page.getByLabel('New name for SPEAKER_00').fill('Editor Ann');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('.seg .spk', { hasText: 'Editor Ann' }).first().waitFor();
  const speakers = (await api(`/v1/videos/${briefingId}/speakers`, demoToken)).body.items;
  check('renaming a speaker stores the name', speakers.some((s) => s.display_name === 'Editor Ann'));

  // Layers on the segments, and the chart.
  await page.getByRole('checkbox', { name: 'sentiment' }).check();
  await page.locator('.badge.sent-negative').first().waitFor();
  check('showing the sentiment layer puts its labels on the segments', (await page.locator('.badge.sent-negative').count()) > 0);
  check('the chart of the layer over time is drawn', (await page.locator('.chart canvas').count()) > 0);
  await page.screenshot({ path: join(artifacts, 'video-layers.png') });

  // Export.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export VTT' }).click()]);
  const exported = readFileSync(await download.path(), 'utf8');
  check('export VTT downloads the transcript', exported.startsWith('WEBVTT') && exported.includes('flood coverage'), exported.slice(0, 80));

  // People: link a speaker to a person on the video page, find them on the people page, merge a
  // duplicate, rename, and follow an appearance to the video at that second.
  await page.getByRole('button', { name: 'Link SPEAKER_01 to a person' }).click();
  await page.getByLabel('Person who speaks as SPEAKER_01').fill('Maya Reporter');
  await page.getByRole('button', { name: 'Link', exact: true }).click();
  await page.locator('.speakers a.person', { hasText: 'Maya Reporter' }).waitFor();
  const briefingSpeakers = (await api(`/v1/videos/${briefingId}/speakers`, demoToken)).body.items;
  check('linking a speaker on the video page stores the person', briefingSpeakers.some((s) => s.label === 'SPEAKER_01' && s.person_name === 'Maya Reporter'));
  // A duplicate entry for her, made through the API on another video's speaker.
  const councilId = demo.match(/^video\s+(\S+)\s+city-council-hearing/m)[1];
  const councilSpeaker = (await api(`/v1/videos/${councilId}/speakers`, demoToken)).body.items.find((s) => s.label === 'Councillor Okafor');
  const duplicate = await api(`/v1/speakers/${councilSpeaker.id}/link`, demoToken, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ person: 'Maya R.' }),
  });
  check('a second person is linked through the API', duplicate.status === 200, JSON.stringify(duplicate.body));
  await page.getByRole('link', { name: 'People', exact: true }).click();
  await page.getByRole('heading', { name: 'People' }).waitFor();
  await page.getByRole('link', { name: 'Maya R.' }).waitFor();
  await audit(page, 'people');
  await page.getByLabel('Name contains').fill('reporter');
  await page.getByRole('button', { name: 'Filter' }).click();
  await until(page, () => location.search.includes('q=reporter'));
  await page.getByRole('link', { name: 'Maya Reporter' }).waitFor();
  // Both names are in the unfiltered list too: wait for the filtered answer to replace it (a filter
  // that keeps everything times out here, then fails the check).
  const filtered = await until(page, () => ![...document.querySelectorAll('a')].some((a) => a.textContent.trim() === 'Maya R.'), 5_000)
    .then(() => true, () => false);
  check('the people filter keeps only matching names', filtered && (await page.getByRole('link', { name: 'Maya R.', exact: true }).count()) === 0);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(artifacts, 'people-phone.png') });
  check('the people page has no horizontal scroll at phone width', await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base}/people?q=Maya`);
  await page.getByRole('link', { name: 'Maya R.', exact: true }).click();
  await page.getByRole('heading', { name: 'Maya R.', exact: true }).waitFor();
  page.once('dialog', (d) => d.accept());
  await page.getByLabel('Merge into').selectOption({ label: 'Maya Reporter' });
  await page.getByRole('button', { name: 'Merge', exact: true }).click();
  await page.getByRole('heading', { name: 'Maya Reporter', exact: true }).waitFor();
  await page.locator('table tbody tr', { hasText: 'city-council-hearing' }).waitFor();
  const appearanceRows = await page.locator('table tbody tr').count();
  check('merging moves the speakers: the survivor appears in both videos', appearanceRows === 2, String(appearanceRows));
  await audit(page, 'person');
  await page.getByLabel('Name', { exact: true }).fill('Maya Quinn');
  await page.getByRole('button', { name: 'Rename' }).click();
  await page.getByRole('heading', { name: 'Maya Quinn', exact: true }).waitFor();
  check('renaming a person stores the name', (await api(`/v1/people?q=Quinn`, demoToken)).body.items.length === 1);
  const councilRow = page.locator('table tbody tr', { hasText: 'city-council-hearing' });
  const firstHref = await councilRow.locator('td.first-moment a').getAttribute('href');
  await councilRow.locator('td.first-moment a').click();
  await until(page, () => document.querySelector('.seg.current'));
  const landedAt = await page.evaluate(() => ({ text: document.querySelector('.seg.current').textContent, url: location.href }));
  check('an appearance\'s first moment opens the video at the person\'s first segment',
    /#t=[\d.]+$/.test(firstHref) && landedAt.url.endsWith(firstHref) && landedAt.text.includes('Councillor Okafor'), JSON.stringify({ firstHref, landedAt }));

  // Search (answers "not available" until the server has /v1/search).
  const probe = await api('/v1/search?q=bridges&group=video', demoToken);
  await page.goto(`${base}/search?q=${encodeURIComponent('"two bridges"')}`);
  if (probe.status === 404 && probe.body?.code === 'not_found' && !probe.body?.field) {
    await page.getByText('Search is not available on this server yet.').waitFor();
    check('without /v1/search the search page says search is not available', true);
  } else {
    // The search.index pipeline of `serve --workers 1` indexes the demo shortly after start.
    for (let i = 0; i < 120 && !((await api('/v1/search?q=%22two%20bridges%22', demoToken)).body?.items?.length); i++) {
      await new Promise((r) => setTimeout(r, 250));
    }
    await page.goto(`${base}/search?q=${encodeURIComponent('"two bridges"')}`);
    const hit = page.locator('a.hit').first();
    await hit.waitFor();
    await hit.click();
    await until(page, () => document.querySelector('video.player')?.readyState >= 1 && document.querySelector('.seg.current'));
    const landed = await page.evaluate(() => document.querySelector('.seg.current').textContent);
    check('a search hit opens the video at the moment said', /two bridges/.test(landed), landed);
    await page.goto(`${base}/search?q=${encodeURIComponent('"two bridges"')}`);
  }
  await audit(page, 'search');

  // Timeline: the demo videos have published dates, so "flood" is drawn over months.
  for (let i = 0; i < 120; i++) {
    const t = (await api('/v1/timeline?q=flood&bucket=month', demoToken)).body;
    if (t?.buckets?.length >= 2) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await page.goto(`${base}/timeline`);
  await page.getByLabel('Query').fill('flood');
  await page.getByLabel('Bucket').selectOption('month');
  await page.getByLabel('Lines per').selectOption('person');
  await page.getByRole('button', { name: 'Draw' }).click();
  await page.locator('.chart canvas').first().waitFor();
  const timelineRows = await page.locator('table.timeline tbody tr').count();
  const timelineApi = (await api('/v1/timeline?q=flood&bucket=month&by=person', demoToken)).body;
  check('the timeline draws the demo over months, a row per bucket', timelineRows >= 2 && timelineRows === timelineApi.buckets.length && timelineApi.undated === 0,
    JSON.stringify({ timelineRows, buckets: timelineApi.buckets.map((b) => b.start), undated: timelineApi.undated }));
  check('the timeline URL carries the query', /[?&]q=flood/.test(page.url()) && /by=person/.test(page.url()));
  await audit(page, 'timeline');
  const firstMention = page.locator('.first-mention a.hit');
  check('the first mention is in the earliest published video', (await firstMention.textContent()).includes('city-council-hearing'),
    await firstMention.textContent());
  await firstMention.click();
  await until(page, () => document.querySelector('.seg.current'));
  const mentionSegment = await page.evaluate(() => document.querySelector('.seg.current').textContent);
  check('the first mention opens the video at the segment that says it', /flood/i.test(mentionSegment) && page.url().includes(`/videos/${councilId}#t=`),
    `${page.url()}: ${mentionSegment}`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/timeline?q=flood&bucket=month&by=none`);
  await page.locator('.chart canvas').first().waitFor();
  await page.screenshot({ path: join(artifacts, 'timeline-phone.png') });
  await page.setViewportSize({ width: 1280, height: 800 });

  // Admin pages (ada is an admin).
  for (const [path, name, heading] of [
    ['/admin', 'admin-members', 'Members'],
    ['/admin/tokens', 'admin-tokens', 'API tokens'],
    ['/admin/audit', 'admin-audit', 'Audit log'],
    ['/admin/jobs', 'admin-jobs', 'Jobs'],
    ['/admin/pipelines', 'admin-pipelines', 'Pipelines'],
  ]) {
    await page.goto(base + path);
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    await page.locator('table tbody tr').first().waitFor();
    await audit(page, name);
  }
  // The search pipeline of `serve --workers 1` has run (the search above waited for it).
  await page.goto(`${base}/admin/pipelines`);
  const searchRow = page.locator('tr', { has: page.locator('th', { hasText: 'search.index' }) });
  await searchRow.waitFor();
  const lagCells = await searchRow.locator('td').allTextContents();
  const lagReport = (await api('/v1/pipelines', demoToken)).body;
  const searchLag = lagReport.items.find((p) => p.name === 'search.index');
  check('the admin page shows each pipeline with its lag in this tenant\'s changes',
    Boolean(searchLag) && lagCells[0] === 'all tenants' && /^\d+/.test(lagCells[3]) && Number(lagCells[1]) <= lagReport.head,
    JSON.stringify({ lagCells, searchLag }));

  await page.goto(`${base}/admin/tokens`);
  await page.getByLabel('Token name').fill('laptop');
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = await page.getByLabel('New token secret').inputValue();
  check('a new token secret is shown once', secret.startsWith('nla_') && (await api('/v1/tenant', secret)).status === 200);
  await page.goto(`${base}/admin/audit`);
  await page.locator('td', { hasText: 'speaker.rename' }).first().waitFor();
  check('the audit log shows the rename', true);

  // Sign out ends the session.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Narralytica' }).waitFor();
  check('signing out forgets the token', !/nla_/.test(await page.evaluate(() => JSON.stringify(sessionStorage))));

  // A viewer sees no admin page.
  await signIn(page, 'vic@example.org');
  check('a viewer has no Admin link', (await page.getByRole('link', { name: 'Admin' }).count()) === 0);
  await page.goto(`${base}/admin`);
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  check('a viewer opening /admin gets no admin page', (await page.getByRole('heading', { name: 'Administration' }).count()) === 0);
  await page.getByRole('button', { name: 'Sign out' }).click();

  // A person in two tenants chooses one after signing in, then switches in the header.
  await page.getByLabel('E-mail').fill('mia@example.org');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('group', { name: 'Choose a tenant' }).waitFor();
  check('a person in two tenants is asked which one', (await page.getByRole('radio').count()) === 2);
  await audit(page, 'tenant-chooser');
  await page.getByRole('radio', { name: /\(demo,/ }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('link', { name: 'newsroom-briefing' }).waitFor();
  check('choosing demo opens demo\'s library', true);
  const tokenOf = () => page.evaluate(() => JSON.parse(sessionStorage.getItem('narralytica.session')).token);
  const demoSession = await tokenOf();
  await audit(page, 'library-tenant-switch');
  await page.getByLabel('Tenant', { exact: true }).selectOption('other');
  await page.getByText('No videos yet').waitFor();
  check('switching to other shows none of demo\'s videos', (await page.getByRole('link', { name: 'newsroom-briefing' }).count()) === 0);
  const otherSession = await tokenOf();
  check('the switch replaces the token and revokes the old one',
    otherSession !== demoSession && (await api('/v1/tenant', demoSession)).status === 401 &&
      (await api('/v1/tenant', otherSession)).body?.slug === 'other');
  check('no token in the URL after a switch', !/nla_/.test(page.url()));
  await page.getByLabel('Tenant', { exact: true }).selectOption('demo');
  await page.getByRole('link', { name: 'newsroom-briefing' }).waitFor();
  check('switching back shows demo\'s library again', true);
  await page.getByRole('button', { name: 'Sign out' }).click();

  // A token of another tenant sees none of this tenant's videos.
  await page.getByRole('tab', { name: 'API token' }).click();
  await page.getByLabel('API token').fill(otherToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Library' }).waitFor();
  await page.getByText('No videos yet').waitFor();
  check("another tenant's library shows none of demo's videos", (await page.getByRole('link', { name: 'newsroom-briefing' }).count()) === 0);
  await page.goto(`${base}/videos/${briefingId}`);
  await page.getByText('There is no such video in this tenant.').waitFor();
  check("another tenant's token cannot open demo's video page", true);
  const media = await api(`/v1/videos/${briefingId}/media`, otherToken);
  check("another tenant's token gets 404 for demo's media", media.status === 404);
  await page.getByRole('button', { name: 'Sign out' }).click();

  // Performance: the 3-hour transcript's page, signed in with the demo token.
  await page.getByRole('tab', { name: 'API token' }).click();
  await page.getByLabel('API token').fill(demoToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Library' }).waitFor();
  const runs = [];
  for (let run = 0; run < 3; run++) {
    await page.goto(`${base}/videos/${bigId}`);
    await until(page, () => document.querySelectorAll('.seg').length > 0);
    runs.push(
      await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const paint = Object.fromEntries(performance.getEntriesByType('paint').map((p) => [p.name, Math.round(p.startTime)]));
        return { interactive_ms: Math.round(performance.now()), dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd), ...paint, rows_in_dom: document.querySelectorAll('.seg').length };
      }),
    );
  }
  // Scrolling is measured once the whole transcript has arrived (its loading note is gone).
  await until(page, () => !document.querySelector('.right [role=status]'));
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(artifacts, 'video-three-hours.png') });
  const clickable = await page.locator('.seg').first().isVisible();
  // Three flicks each, the best kept: a frame lost to another process on a shared machine is
  // not the page's.
  const best = (runs) => runs.reduce((a, b) => (b.frames > a.frames ? b : a));
  const flicks = [];
  for (let i = 0; i < 3; i++) {
    await page.evaluate(() => { document.querySelector('.vlist').scrollTop = 0; });
    await page.waitForTimeout(200);
    flicks.push(await page.evaluate(scrollFor3s, '.vlist'));
  }
  const scrolled = best(flicks);
  // What a first visit downloads of the UI's own files, compressed as the server sends them.
  const weight = await uiWeight();
  // The baseline, side by side: the same scroll over a plain tall element in the same browser,
  // which is what this machine's compositor manages with no page work at all.
  const blank = await context.newPage();
  await blank.setContent('<div id="b" style="height:700px;overflow:auto"><div style="height:400000px">x</div></div>');
  const baselines = [];
  for (let i = 0; i < 3; i++) {
    await blank.evaluate(() => { document.getElementById('b').scrollTop = 0; });
    baselines.push(await blank.evaluate(scrollFor3s, '#b'));
  }
  const baseline = best(baselines);
  await blank.close();
  const perf = {
    transcript: '3,000 segments, 30,000 words, 3 hours',
    runs,
    interactive_ms_median: runs.map((r) => r.interactive_ms).sort((a, b) => a - b)[1],
    scroll_fps_runs: flicks.map((f) => Math.round(f.frames / f.seconds)),
    scroll_baseline_fps_runs: baselines.map((f) => Math.round(f.frames / f.seconds)),
    scroll: { ...scrolled, fps: Math.round(scrolled.frames / scrolled.seconds) },
    scroll_baseline_empty_page: { ...baseline, fps: Math.round(baseline.frames / baseline.seconds) },
    ui_assets_gzip_bytes: weight,
  };
  writeFileSync(join(artifacts, 'ui-perf.json'), JSON.stringify(perf, null, 2));
  console.log(JSON.stringify(perf));
  check('the 3-hour transcript page is interactive in under 1 s (median of three loads)', clickable && perf.interactive_ms_median < 1000, JSON.stringify(runs));
  check('the 3-hour transcript page renders only the rows in view', runs.every((r) => r.rows_in_dom < 200), JSON.stringify(runs));
  check('scrolling the 3-hour transcript holds the frame rate of an empty page (at least 90% of it, and 50 fps)',
    perf.scroll.fps >= 0.9 * perf.scroll_baseline_empty_page.fps && perf.scroll.fps >= 50,
    JSON.stringify({ transcript: perf.scroll, empty_page: perf.scroll_baseline_empty_page }));
  check('the UI assets weigh under 300 KB compressed', weight > 0 && weight < 300 * 1024, String(weight));

  check('nothing was fetched from another origin', offOrigin.length === 0, offOrigin.join(', '));
  check('no Content-Security-Policy violation or page error', cspErrors.length === 0, cspErrors.join(' | '));
} catch (e) {
  failures++;
  console.log(`FAIL  unexpected: ${e.stack || e}`);
  await page.screenshot({ path: join(artifacts, 'failure.png') }).catch(() => {});
} finally {
  await context.close();
  server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
console.log(`${passes} passed, ${failures} failed; screenshots in ${artifacts}`);
process.exit(failures ? 1 : 0);
