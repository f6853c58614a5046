// tests/web/page_test.mjs AGREESIGN PAGE: the page (agreesign-verify.html)
// in headless Chromium, opened from file:// with every host name mapped
// to nowhere (no network):
// - it carries the Content-Security-Policy that forbids connections;
// - window.agreesign.verify gives, for every case of spec/vectors/cases.tsv,
//   the native `verify --json` exit status and JSON byte for byte;
// - its UI, given a signed agreement and then a changed one, shows the
//   verdict: screenshots checked for the colour of each verdict's box.
// Ends with "web-page: N passed, N failed".
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { fileURLToPath } from 'url';

const [bin, page] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const vec = path.resolve(here, '../../spec/vectors');
const chromium = process.env.CHROMIUM || 'chromium';
let passed = 0, failed = 0;

function check(ok, name, detail) {
	if (ok) { passed++; return; }
	failed++;
	console.log('FAIL ' + name + (detail ? ': ' + detail : ''));
}

// The same cases as node_test.mjs skips, for the same reason.
const SKIP = new Set(['bad-v2-tsa-cut-short', 'bad-v2-tsa-not-a-certificate',
	'bad-v2-tsa-trailing-byte', 'bad-v2-tsa-two-certificates']);
const cases = fs.readFileSync(path.join(vec, 'cases.tsv'), 'utf8').split('\n')
	.filter((l) => l && !l.startsWith('#')).map((l) => {
		const [name, agreement, envelope, trust, options] = l.split('\t');
		return { name, agreement, envelope, trust,
			roles: options === '-' ? null : options.replace('--require-role=', '').split(',') };
	});
const b64 = (p) => fs.readFileSync(path.join(vec, p)).toString('base64');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ags-page-'));
const html = fs.readFileSync(page, 'utf8');

// The page with a test script before </body>: mode 'cases' runs the API on
// every case and writes the results into <pre id=results>; 'ui:X' puts
// case X's files into the form and presses Verify.
function harness(mode) {
	const data = cases.filter((c) => !SKIP.has(c.name)).map((c) => ({
		name: c.name, roles: c.roles, names: { agreement: c.agreement,
			envelope: c.envelope, trust: 'trust.txt' },
		agreement: b64('agreements/' + c.agreement),
		envelope: b64('envelopes/' + c.envelope), trust: b64('trust/' + c.trust) }));
	const script = `<script>
(async function () {
const cases = ${JSON.stringify(data)};
const bytes = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const mode = ${JSON.stringify(mode)};
const out = document.createElement('pre');
out.id = 'results';
if (mode === 'cases') {
	const results = [];
	for (const c of cases) {
		const r = await window.agreesign.verify({ agreement: bytes(c.agreement),
			envelope: bytes(c.envelope), trust: bytes(c.trust), names: c.names,
			options: c.roles ? { require_role: c.roles } : {} });
		results.push({ name: c.name, exit: r.exit, json: r.json,
			report: (r.report_html || '').slice(0, 15) });
	}
	out.textContent = JSON.stringify(results);
	document.body.appendChild(out);
	return;
}
const pdf = mode === 'ui:pdf-envelope';
const c = cases.find((x) => x.name === (pdf ? 'signed' : mode.slice(3)));
for (const k of ['agreement', 'envelope', 'trust']) {
	const dt = new DataTransfer();
	if (pdf && k === 'envelope')
		dt.items.add(new File(['%PDF-1.4 (not an envelope)'], 'paper.pdf'));
	else
		dt.items.add(new File([bytes(c[k])], c.names[k]));
	const input = document.getElementById(k);
	input.files = dt.files;
	input.dispatchEvent(new Event('change'));
}
document.getElementById('verify').click();
})();
</script>`;
	const file = path.join(tmp, mode.replace(/[^a-z-]/g, '_') + '.html');
	fs.writeFileSync(file, html.replace('</body>', script + '\n</body>'));
	return file;
}

function chrome(args) {
	return spawnSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu',
		'--user-data-dir=' + path.join(tmp, 'profile'),
		'--host-resolver-rules=MAP * ~NOTFOUND', '--virtual-time-budget=1000000',
		...args], { maxBuffer: 1 << 28, timeout: 300000 });
}

try {
	check(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';[^"]*connect-src 'none'/.test(html),
		'the page has a CSP forbidding connections');
	check(fs.statSync(page).size <= 1 << 20, 'the page is at most 1 MiB');
	const dump = chrome(['--dump-dom', 'file://' + harness('cases')]);
	const m = /<pre id="results">([^<]*)<\/pre>/.exec(dump.stdout.toString());
	check(m, 'the page ran the cases', dump.stderr.toString().slice(-500));
	const results = m ? JSON.parse(m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) : [];
	for (const c of cases) {
		if (SKIP.has(c.name)) {
			console.log('skipped ' + c.name + ': a TSA certificate\'s DER encoding ' +
				'is checked with libcrypto, which the web build leaves out');
			continue;
		}
		const r = results.find((x) => x.name === c.name);
		const dir = fs.mkdtempSync(path.join(tmp, c.name + '-'));
		fs.copyFileSync(path.join(vec, 'agreements', c.agreement), path.join(dir, c.agreement));
		fs.copyFileSync(path.join(vec, 'envelopes', c.envelope), path.join(dir, c.envelope));
		fs.copyFileSync(path.join(vec, 'trust', c.trust), path.join(dir, 'trust.txt'));
		const args = ['verify', '--json', '-t', 'trust.txt', '-e', c.envelope];
		if (c.roles) args.push('--require-role=' + c.roles.join(','));
		const want = spawnSync(path.resolve(bin), [...args, c.agreement], { cwd: dir });
		check(r && r.exit === want.status, c.name + ' exit', r && r.exit + ' != ' + want.status);
		check(r && r.json === want.stdout.toString(), c.name + ' json',
			r && r.json + ' != ' + want.stdout);
		check(r && r.report === '<!DOCTYPE html>', c.name + ' report page');
	}
	// A PDF given as the envelope: a clear message on the page.
	const wrong = chrome(['--dump-dom', 'file://' + harness('ui:pdf-envelope')]).stdout.toString();
	check(/<div id="errors" role="alert"><p>The envelope "paper.pdf" is a PDF file/.test(wrong),
		'a PDF as the envelope: said on the page', (/<div id="errors"[^\n]*/.exec(wrong) || [''])[0]);
	// The UI: a screenshot of each verdict, its box's colour counted.
	for (const [mode, colour, other, banner] of [['ui:signed', 'd7f5dc', 'fbdcdc', '1a7f37'],
		['ui:signed-changed-text', 'fbdcdc', 'd7f5dc', 'b42318']]) {
		const png = path.join(tmp, mode.slice(3) + '.png');
		chrome(['--window-size=1000,1600', '--screenshot=' + png, 'file://' + harness(mode)]);
		const count = spawnSync('/usr/bin/python3', [path.join(here, 'png_colours.py'), png,
			colour, other, banner]);
		const [want, unwanted, report] = count.stdout.toString().trim().split(' ').map(Number);
		// and the report page's verdict banner (#1a7f37 / #b42318 in
		// report_html.c's style) is drawn too
		check(report > 2000, mode + ': the report page is shown', String(report));
		check(want > 2000 && unwanted === 0, mode + ': the verdict box is #' + colour,
			count.stdout.toString() + count.stderr.toString());
		if (process.env.AGS_WEB_SHOTS) fs.copyFileSync(png, path.join(process.env.AGS_WEB_SHOTS, path.basename(png)));
	}
} finally {
	if (!process.env.AGS_WEB_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
}
console.log('web-page: ' + passed + ' passed, ' + failed + ' failed');
process.exit(failed ? 1 : 0);
