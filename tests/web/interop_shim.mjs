// tests/web/interop_shim.mjs ARGS...: stands in for the agreesign binary
// while tests/interop/verify_test.py runs (tests/web/interop_test.sh).
// `verify --json` runs twice: first in the browser verifier's node module,
// on a copy of the files it may read (the folders of every path argument,
// at the same absolute paths, the same working folder), then in the
// native binary ($AGS_WEB_NATIVE), whose output and exit status this
// script passes on. Exit status and standard output must be the same byte
// for byte; one line per run goes to $AGS_WEB_LOG: same, differs, or
// skipped with the reason, when the inputs hold what the web build
// cannot check (timestamps, SQLite stores, files that are not regular
// files or folders). Every other command goes to the native binary.
import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';

const args = process.argv.slice(2);
const native = process.env.AGS_WEB_NATIVE;
const log = process.env.AGS_WEB_LOG;
const MAX_FILES = 400, MAX_BYTES = 64 << 20;

function runNative() {
	const p = spawnSync(native, args, { stdio: ['inherit', 'pipe', 'pipe'],
		maxBuffer: 1 << 30 });
	return { exit: p.status === null ? 128 : p.status, stdout: p.stdout,
		stderr: p.stderr };
}

function pass(r) {
	fs.writeSync(1, r.stdout);
	fs.writeSync(2, r.stderr);
	process.exit(r.exit);
}

if (args[0] !== 'verify' || !args.includes('--json') ||
    args.some((a) => a === '--batch' || a.startsWith('--batch=')))
	pass(runNative());

// The files the run may read: every regular file of the folder of each
// path argument (and of a folder argument), not deeper than 2 levels.
const files = new Map();
const why = new Set();
let bytes = 0;
function take(p, depth) {
	if (p === '/' || /^\/(dev|proc|sys)(\/|$)/.test(p)) {
		why.add('a file under /dev, /proc or /sys');
		return;
	}
	let st;
	try { st = fs.lstatSync(p); } catch (e) { return; }
	if (st.isFile()) {
		if (files.has(p)) return;
		if (files.size >= MAX_FILES || bytes + st.size > MAX_BYTES) {
			why.add('too many or too large files to copy');
			return;
		}
		let b;
		try { b = fs.readFileSync(p); } catch (e) { why.add('an unreadable file'); return; }
		bytes += b.length;
		files.set(p, b);
		const head = b.subarray(0, 16).toString('latin1');
		if (head === 'SQLite format 3\0') why.add('a SQLite trust store');
		const text = b.subarray(0, 1 << 20).toString('latin1');
		if (/"timestamps"/.test(text) || /^tsa /m.test(text))
			why.add('timestamp tokens or TSA records (no libcrypto)');
	} else if (st.isDirectory()) {
		if (depth > 2) return;
		files.set(p, null); // made, even when empty
		let names = [];
		try { names = fs.readdirSync(p); } catch (e) { return; }
		for (const n of names) take(path.join(p, n), depth + 1);
	} else {
		why.add('a symbolic link, FIFO or device');
	}
}
for (const a of args.slice(1)) {
	const v = a.startsWith('--') && a.includes('=') ? a.slice(a.indexOf('=') + 1) : a;
	if (v === '' || v === '-') continue;
	const p = path.resolve(v);
	let st;
	try { st = fs.lstatSync(p); } catch (e) { continue; }
	take(st.isDirectory() ? p : path.dirname(p), st.isDirectory() ? 1 : 0);
	if (!st.isFile() && !st.isDirectory()) why.add('a symbolic link, FIFO or device');
}

const { runVerify } = await import(process.env.AGS_WEB_MODULE);
const web = await runVerify(args, [...files.entries()], process.cwd());
const want = runNative();
const same = web.exit === want.exit &&
	Buffer.compare(Buffer.from(web.stdout), want.stdout) === 0;
const status = same ? 'same' : why.size ? 'skipped' : 'differs';
fs.appendFileSync(log, JSON.stringify({ status, args,
	reason: [...why].join('; '),
	web: same ? undefined : { exit: web.exit,
		stdout: Buffer.from(web.stdout).toString().slice(0, 400) },
	native: same ? undefined : { exit: want.exit,
		stdout: want.stdout.toString().slice(0, 400) } }) + '\n');
pass(want);
