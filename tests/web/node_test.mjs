// tests/web/node_test.mjs AGREESIGN MODULE: every case of
// spec/vectors/cases.tsv through the browser verifier's node module
// (build/web/agreesign-verify.mjs), its exit status, standard output (the
// --json object) and standard error compared byte for byte with the
// native binary's `verify --json`: once through the same arguments
// (runVerify), once through the JS API verify(request), whose files carry
// their own names. Ends with "web-node: N passed, N failed".
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { fileURLToPath } from 'url';

const [bin, mod] = process.argv.slice(2);
if (!bin || !mod) {
	console.error('usage: node_test.mjs AGREESIGN MODULE');
	process.exit(2);
}
const { verify, runVerify } = await import(path.resolve(mod));
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const vec = path.join(root, 'spec/vectors');
let passed = 0, failed = 0;

function check(ok, name, detail) {
	if (ok) { passed++; return; }
	failed++;
	console.log('FAIL ' + name + (detail ? ': ' + detail : ''));
}

function native(args, cwd) {
	const p = spawnSync(path.resolve(bin), args, { cwd });
	return { exit: p.status, stdout: p.stdout, stderr: p.stderr };
}

function same(a, b) {
	return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

function cases() {
	return fs.readFileSync(path.join(vec, 'cases.tsv'), 'utf8').split('\n')
		.filter((l) => l && !l.startsWith('#')).map((l) => {
			const [name, agreement, envelope, trust, options, exit] = l.split('\t');
			return { name, agreement, envelope, trust,
				options: options === '-' ? [] : options.split(' '),
				exit: Number(exit) };
		});
}

// The same arguments, the same relative paths: spec/vectors' files under
// the same names in the module's file system.
async function byArgs(c) {
	const files = [['agreements/' + c.agreement], ['envelopes/' + c.envelope],
		['trust/' + c.trust]].map(([p]) => [p, fs.readFileSync(path.join(vec, p))]);
	const args = ['verify', '--json', '-t', 'trust/' + c.trust, '-e',
		'envelopes/' + c.envelope, ...c.options, 'agreements/' + c.agreement];
	const want = native(args, vec);
	const got = await runVerify(args, files, '/vectors');
	check(want.exit === c.exit, c.name + ' (native exit)', String(want.exit));
	check(got.exit === want.exit, c.name + ' exit', got.exit + ' != ' + want.exit);
	check(same(got.stdout, want.stdout), c.name + ' stdout',
		Buffer.from(got.stdout).toString() + ' != ' + want.stdout);
	check(same(got.stderr, want.stderr), c.name + ' stderr',
		Buffer.from(got.stderr).toString() + ' != ' + want.stderr);
}

// The JS API: files by their own names; the CLI run on copies under
// those names, without --report (which the API adds).
async function byApi(c, tmp) {
	const names = { agreement: c.agreement, envelope: c.envelope,
		trust: 'trust.txt' };
	const request = {
		agreement: fs.readFileSync(path.join(vec, 'agreements', c.agreement)),
		envelope: fs.readFileSync(path.join(vec, 'envelopes', c.envelope)),
		trust: fs.readFileSync(path.join(vec, 'trust', c.trust)),
		names, options: {},
	};
	const args = ['verify', '--json', '-t', 'trust.txt', '-e', c.envelope];
	for (const o of c.options) {
		const m = /^--require-role=(.*)$/.exec(o);
		if (!m) throw new Error(c.name + ': option ' + o + ' not mapped');
		request.options.require_role = m[1].split(',');
		args.push(o);
	}
	const dir = fs.mkdtempSync(path.join(tmp, c.name + '-'));
	fs.writeFileSync(path.join(dir, c.agreement), request.agreement);
	fs.writeFileSync(path.join(dir, c.envelope), request.envelope);
	fs.writeFileSync(path.join(dir, 'trust.txt'), request.trust);
	const want = native([...args, c.agreement], dir);
	const got = await verify(request);
	check(got.exit === want.exit, c.name + ' api exit', got.exit + ' != ' + want.exit);
	check(got.json === want.stdout.toString(), c.name + ' api json',
		got.json + ' != ' + want.stdout);
	// the page of --report: a verdict page whenever the input was read
	check(typeof got.report_html === 'string' &&
		got.report_html.startsWith('<!DOCTYPE html>'), c.name + ' api report',
		String(got.report_html).slice(0, 80));
}

// Cases the web build cannot give byte for byte, each with the reason
// (README "Verify in a browser", what it does not do). They are listed
// on every run, never skipped silently.
const SKIP = {};
for (const n of ['bad-v2-tsa-cut-short', 'bad-v2-tsa-not-a-certificate',
	'bad-v2-tsa-trailing-byte', 'bad-v2-tsa-two-certificates'])
	SKIP[n] = 'a TSA certificate\'s DER encoding is checked with libcrypto, ' +
		'which the web build leaves out: it reads the trust file';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ags-web-'));
try {
	for (const c of cases()) {
		if (SKIP[c.name]) {
			console.log('skipped ' + c.name + ': ' + SKIP[c.name]);
			continue;
		}
		await byArgs(c);
		await byApi(c, tmp);
	}
	// A request the CLI would refuse as usage: no key and no trust file.
	const r = await verify({ agreement: new Uint8Array([65, 10]),
		envelope: new Uint8Array([123, 125]) });
	check(r.exit === 2 && r.json === '' && /exactly one of -p/.test(r.stderr),
		'no key: usage error', JSON.stringify(r));
	// A SQLite trust store: refused with a clear message (no SQLite here).
	const db = new Uint8Array(4096);
	db.set(new TextEncoder().encode('SQLite format 3\0'));
	const s = await verify({ agreement: fs.readFileSync(path.join(vec, 'agreements/sample-agreement.txt')),
		envelope: fs.readFileSync(path.join(vec, 'envelopes/signed.sig.json')),
		trust: db, names: { trust: 'pins.db' } });
	check(s.exit === 2 && /pins\.db: SQLite trust stores are not supported in the browser: use `agreesign trust export`/.test(s.stderr) &&
		JSON.parse(s.json).result === 'error', 'a SQLite store is refused', JSON.stringify(s).slice(0, 300));
	// Names that would leave the verifier's folder are refused.
	let threw = false;
	try { await verify({ agreement: new Uint8Array(1), names: { agreement: '../x' } }); }
	catch (e) { threw = e instanceof TypeError; }
	check(threw, 'a name with .. is refused');
} finally {
	fs.rmSync(tmp, { recursive: true, force: true });
}
console.log('web-node: ' + passed + ' passed, ' + failed + ' failed');
process.exit(failed ? 1 : 0);
