/* agreesign's browser verifier: the JS API over the wasm build of
 * `agreesign verify --json` (src/web/web_verify.c). src/web/web.mk appends
 * it to emscripten's output (agsCreateModule). It holds no verification
 * logic: it writes the request's files into a fresh module's in-memory
 * file system under their names and passes the arguments the CLI would
 * get; the exit status, JSON and report page are the CLI's own. */

const AGS_CWD = '/v';
const AGS_REPORT = '/out/report.html';

function agsJoin(dir, name) {
	return name.startsWith('/') ? name : dir + '/' + name;
}

/* The module instance, made at the first run and kept: compiling the
 * wasm costs more than a verification. Each run starts from an empty
 * folder; an instance that failed (a trap) is dropped. */
let agsInstance = null;
const agsOut = { out: [], err: [] };

function agsModule() {
	if (agsInstance) return agsInstance;
	const opts = {
		preRun: [() => opts.FS.init(null,
			(c) => { if (c !== null && c !== undefined) agsOut.out.push(c & 255); },
			(c) => { if (c !== null && c !== undefined) agsOut.err.push(c & 255); })],
		print: () => {}, printErr: () => {},
	};
	agsInstance = agsCreateModule(opts);
	agsInstance.catch(() => { agsInstance = null; });
	return agsInstance;
}

function agsRemove(FS, p) {
	let st;
	try { st = FS.lstat(p); } catch (e) { return; }
	if (FS.isDir(st.mode)) {
		for (const n of FS.readdir(p))
			if (n !== '.' && n !== '..') agsRemove(FS, p + '/' + n);
		FS.rmdir(p);
	} else {
		FS.unlink(p);
	}
}

/* One run of `agreesign ARGS` (ARGS[0] is "verify"). files: [[path,
 * Uint8Array or null for a folder]...], a relative path taken from cwd
 * (its folders are made).
 * Resolves to {exit, stdout, stderr} (the bytes printed) and report (the
 * bytes at AGS_REPORT, or null). Runs one at a time. */
let agsQueue = Promise.resolve();
function agsRun(args, files, cwd) {
	const run = agsQueue.then(() => agsRunNow(args, files, cwd || AGS_CWD));
	agsQueue = run.catch(() => {});
	return run;
}

async function agsRunNow(args, files, cwd) {
	const m = await agsModule();
	const FS = m.FS;
	const enc = new TextEncoder();
	FS.chdir('/');
	const made = [];
	for (const p of [cwd, '/out'].concat(files.map(([p]) => agsJoin(cwd, p)))) {
		const parts = p.split('/');
		// emscripten's own folders are never removed; under /tmp, the
		// folder in it
		if (['', 'dev', 'proc'].includes(parts[1]) ||
		    (parts[1] === 'tmp' && parts.length < 4))
			continue;
		const top = parts.slice(0, parts[1] === 'tmp' ? 3 : 2).join('/');
		if (!made.includes(top)) { agsRemove(FS, top); made.push(top); }
	}
	FS.mkdirTree(cwd);
	FS.mkdirTree('/out');
	for (const [path, bytes] of files) {
		const p = agsJoin(cwd, path);
		if (bytes === null) { // a folder
			FS.mkdirTree(p);
			continue;
		}
		FS.mkdirTree(p.slice(0, p.lastIndexOf('/')) || '/');
		FS.writeFile(p, bytes);
	}
	FS.chdir(cwd);
	const parts = args.map((a) => enc.encode(String(a) + '\0'));
	const buf = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let off = 0;
	for (const p of parts) { buf.set(p, off); off += p.length; }
	agsOut.out = [];
	agsOut.err = [];
	let exit;
	try {
		exit = m.ccall('ags_web_verify', 'number', ['array', 'number'],
			[buf, buf.length]);
	} catch (e) {
		agsInstance = null;
		return { exit: 2, stdout: new Uint8Array(agsOut.out),
			stderr: enc.encode('agreesign: the verifier stopped: ' + e + '\n'),
			report: null };
	}
	let report = null;
	try { report = FS.readFile(AGS_REPORT); } catch (e) { report = null; }
	return { exit, stdout: new Uint8Array(agsOut.out),
		stderr: new Uint8Array(agsOut.err), report };
}

/* A name of the request: a relative path without empty, '.' or '..'
 * parts, so that every file lands in the verifier's folder. */
function agsName(n, what) {
	if (typeof n !== 'string' || n === '' || n.startsWith('/') ||
	    n.includes('\0') ||
	    n.split('/').some((c) => c === '' || c === '.' || c === '..'))
		throw new TypeError('agreesign.verify: bad file name for ' + what +
			': ' + JSON.stringify(n));
	return n;
}

function agsBytes(b, what) {
	if (!(b instanceof Uint8Array))
		throw new TypeError('agreesign.verify: ' + what +
			' must be a Uint8Array');
	return b;
}

const AGS_OPTIONS = ['require_role', 'require_signer', 'require_attachments',
	'require_proven_time'];

/* The arguments of `agreesign verify` for request.options. */
function agsOptionArgs(o) {
	const args = [];
	for (const k of Object.keys(o))
		if (!AGS_OPTIONS.includes(k))
			throw new TypeError('agreesign.verify: unknown option ' + k);
	if (o.require_role && o.require_role.length)
		args.push('--require-role', [].concat(o.require_role).join(','));
	for (const id of [].concat(o.require_signer || []))
		args.push('--require-signer', id);
	if (o.require_attachments) args.push('--require-attachments');
	if (o.require_proven_time) args.push('--require-proven-time');
	return args;
}

/* verify(request): see README "Verify in a browser". Resolves to
 * {exit, json, report_html, stderr}: exit and json (the text printed) are
 * exactly those of `agreesign verify --json` for the same files and
 * options; report_html is the page of --report (null when none). */
async function verify(request) {
	if (!request || typeof request !== 'object')
		throw new TypeError('agreesign.verify: request must be an object');
	const names = request.names || {};
	const agreement = agsName(names.agreement || 'agreement.txt', 'agreement');
	const envelope = agsName(names.envelope || agreement + '.sig.json',
		'envelope');
	const files = [[agreement, agsBytes(request.agreement, 'agreement')]];
	// --force: the CLI publishes a new page with link(), which
	// emscripten's in-memory file system lacks; replacing uses rename().
	const args = ['verify', '--json', '--report', AGS_REPORT, '--force',
		'-e', envelope];
	if (request.envelope !== undefined)
		files.push([envelope, agsBytes(request.envelope, 'envelope')]);
	const more = [['pub', '-p', 'key.pub'], ['trust', '-t', 'trust.txt'],
		['template', '--template', 'template.txt.sig.json'],
		['template_text', '--template-text', 'template.txt']];
	for (const [k, opt, def] of more) {
		if (request[k] === undefined || request[k] === null) continue;
		const n = agsName(names[k] || def, k);
		files.push([n, agsBytes(request[k], k)]);
		args.push(opt, n);
	}
	const dir = agreement.includes('/') ?
		agreement.slice(0, agreement.lastIndexOf('/') + 1) : '';
	for (const [n, b] of Object.entries(request.attachments || {}))
		files.push([dir + agsName(n, 'attachment'),
			agsBytes(b, 'attachment ' + n)]);
	args.push(...agsOptionArgs(request.options || {}), '--', agreement);
	const r = await agsRun(args, files);
	const dec = new TextDecoder();
	return { exit: r.exit, json: dec.decode(r.stdout),
		report_html: r.report ? dec.decode(r.report) : null,
		stderr: dec.decode(r.stderr) };
}
