/* The page's UI (src/web/page_head.html): files in, the verdict, reasons,
 * report and JSON out. Every verdict comes from verify() (api.js), the
 * CLI's own code: this file only reads files and shows results. */
window.agreesign = Object.freeze({ verify });

(function () {
	// A file larger than this is refused with a message before reading:
	// the whole request must fit the module's memory (at most 2 GiB).
	const MAX_FILE = 256 << 20, MAX_TOTAL = 1 << 30;
	const $ = (id) => document.getElementById(id);
	const picked = { agreement: null, envelope: null, pub: null, trust: null,
		template: null, template_text: null, attachments: [] };
	let lastJson = null;

	function showNames() {
		for (const k of Object.keys(picked)) {
			const v = picked[k];
			$(k + '-name').textContent = Array.isArray(v) ?
				v.map((f) => f.name).join(', ') : v ? v.name : '';
		}
	}

	function error(text) {
		const p = document.createElement('p');
		p.textContent = text;
		$('errors').appendChild(p);
	}

	function clearOutput() {
		$('errors').textContent = '';
		$('verdict').textContent = '';
		$('verdict').className = '';
		$('reasons').textContent = '';
		$('download').hidden = true;
		$('report').hidden = true;
		if ($('report').shadowRoot) $('report').shadowRoot.textContent = '';
	}

	// Where a dropped file goes: by its name, then by its first bytes.
	async function place(f) {
		const head = new TextDecoder().decode(
			new Uint8Array(await f.slice(0, 64).arrayBuffer()));
		if (/\.sig\.json$/i.test(f.name) || /^\s*\{/.test(head)) {
			if (!picked.envelope) picked.envelope = f;
			else picked.template = f;
		} else if (/\.pub$/i.test(f.name) || head.startsWith('agreesign public key') ||
		    head.startsWith('ssh-ed25519 ')) {
			picked.pub = f;
		} else if (/\.(trust|db)$/i.test(f.name) || head.startsWith('agreesign trust') ||
		    head.startsWith('SQLite format 3')) {
			picked.trust = f;
		} else if (!picked.agreement) {
			picked.agreement = f;
		} else {
			picked.attachments.push(f);
		}
	}

	async function bytes(f, what) {
		if (f.size > MAX_FILE)
			throw new Error(what + ' "' + f.name + '" is ' +
				Math.round(f.size / 1048576) + ' MiB: this page holds files of at most ' +
				(MAX_FILE >> 20) + ' MiB. Use the agreesign command instead.');
		return new Uint8Array(await f.arrayBuffer());
	}

	// Clear words for a file that cannot be what it was given as.
	function sniff(b, what, name) {
		const head = new TextDecoder().decode(b.subarray(0, 16));
		if (head.startsWith('%PDF'))
			return what + ' "' + name + '" is a PDF file, not ' +
				(what === 'The agreement' ? 'the agreement\'s text' : 'what is asked here') +
				'.';
		if (what === 'The envelope' && !/^\s*\{/.test(head))
			return 'The envelope "' + name + '" is not a JSON file: an envelope is ' +
				'the AGREEMENT.sig.json file written by agreesign sign.';
		if (what === 'The public key' && /^\s*\{/.test(head))
			return 'The public key "' + name + '" looks like an envelope (JSON), ' +
				'not a .pub key file.';
		return null;
	}

	async function request() {
		if (!picked.agreement) throw new Error('Pick the agreement (its text file).');
		if (!picked.envelope) throw new Error('Pick the envelope (AGREEMENT.sig.json).');
		if (!picked.pub === !picked.trust)
			throw new Error(picked.pub ? 'Give a public key or a trust file, not both.' :
				'Pick the signer\'s public key (.pub) or your trust file.');
		const total = Object.values(picked).flat().filter(Boolean)
			.reduce((n, f) => n + f.size, 0);
		if (total > MAX_TOTAL)
			throw new Error('These files are too large together for this page; ' +
				'use the agreesign command instead.');
		const what = { agreement: 'The agreement', envelope: 'The envelope',
			pub: 'The public key', trust: 'The trust file',
			template: 'The signed template', template_text: 'The template text' };
		const r = { names: {}, attachments: {}, options: {} };
		for (const k of Object.keys(what)) {
			if (!picked[k]) continue;
			r[k] = await bytes(picked[k], what[k]);
			const bad = sniff(r[k], what[k], picked[k].name);
			if (bad) throw new Error(bad);
			r.names[k] = picked[k].name.replace(/\//g, '_');
		}
		if (r.names.envelope === r.names.agreement)
			r.names.envelope = r.names.agreement + '.sig.json';
		for (const f of picked.attachments)
			r.attachments[f.name] = await bytes(f, 'The attachment');
		const roles = [...document.querySelectorAll('input[name=role]:checked')]
			.map((c) => c.value);
		if (roles.length) r.options.require_role = roles;
		const signers = $('signers').value.split(/[\s,]+/).filter(Boolean);
		if (signers.length) r.options.require_signer = signers;
		if ($('require_attachments').checked) r.options.require_attachments = true;
		if ($('require_proven_time').checked) r.options.require_proven_time = true;
		return r;
	}

	function show(res) {
		let j = null;
		try { j = res.json ? JSON.parse(res.json) : null; } catch (e) { j = null; }
		lastJson = res.json || null;
		const v = $('verdict');
		if (res.exit === 0) {
			v.className = 'ok';
			v.textContent = 'Verified: ' + (j && j.reason ? j.reason : 'every check passed');
		} else if (res.exit === 1) {
			v.className = 'bad';
			v.textContent = 'NOT VERIFIED: ' + (j && j.reason ? j.reason : '');
		} else {
			v.className = 'error';
			v.textContent = 'Could not be checked: ' +
				(j && j.reason ? j.reason : res.stderr.replace(/^agreesign: /, '').trim());
		}
		if (j && j.text)
			addReason('Text: ' + (j.text.matches ? 'matches what was signed' :
				'CHANGED since it was signed'));
		for (const s of (j && j.signatures) || [])
			addReason('Signature ' + s.index + ' (' + s.role + ', ' +
				(s.trusted_identity || s.claimed_name) + '): ' + s.result +
				(s.reason !== 'ok' ? ' — ' + s.reason : '') +
				(s.detail ? ': ' + s.detail : '') +
				(s.timestamp && s.timestamp.result !== 'none' ?
					'; timestamp ' + s.timestamp.result +
					(s.timestamp.detail ? ': ' + s.timestamp.detail : '') : ''));
		for (const a of (j && j.attachments) || [])
			addReason('Attachment ' + a.name + ': ' + a.status);
		$('download').hidden = !lastJson;
		if (res.report_html) showReport(res.report_html);
	}

	// The --report page, in a shadow root so that its styles stay its own:
	// its style elements (body's rules on a wrapper) and its body. The
	// library escapes every text it puts there; what could run or load is
	// removed all the same.
	function showReport(html) {
		const doc = new DOMParser().parseFromString(html, 'text/html');
		doc.querySelectorAll('script,iframe,object,embed,link,meta,base,form')
			.forEach((e) => e.remove());
		for (const el of doc.querySelectorAll('*'))
			for (const a of [...el.attributes])
				if (/^on/i.test(a.name)) el.removeAttribute(a.name);
		const host = $('report');
		const root = host.shadowRoot || host.attachShadow({ mode: 'open' });
		root.textContent = '';
		for (const st of doc.querySelectorAll('style')) {
			const s = document.createElement('style');
			s.textContent = st.textContent.replace(/\bbody\b/g, '.ags-body');
			root.appendChild(s);
		}
		const wrap = document.createElement('div');
		wrap.className = 'ags-body';
		for (const n of [...doc.body.childNodes]) wrap.appendChild(document.adoptNode(n));
		root.appendChild(wrap);
		host.hidden = false;
	}

	function addReason(text) {
		const li = document.createElement('li');
		li.textContent = text;
		$('reasons').appendChild(li);
	}

	async function run(ev) {
		if (ev) ev.preventDefault();
		clearOutput();
		$('busy').hidden = false;
		$('verify').disabled = true;
		try {
			show(await verify(await request()));
		} catch (e) {
			error(e && e.message ? e.message : String(e));
		} finally {
			$('busy').hidden = true;
			$('verify').disabled = false;
		}
	}

	for (const k of Object.keys(picked)) {
		$(k).addEventListener('change', (ev) => {
			const fs = [...ev.target.files];
			picked[k] = k === 'attachments' ? fs : fs[0] || null;
			showNames();
		});
	}
	const drop = $('drop');
	drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
	drop.addEventListener('dragleave', () => drop.classList.remove('over'));
	document.addEventListener('dragover', (ev) => ev.preventDefault());
	document.addEventListener('drop', async (ev) => {
		ev.preventDefault();
		drop.classList.remove('over');
		clearOutput();
		for (const f of ev.dataTransfer.files) await place(f);
		showNames();
	});
	$('form').addEventListener('submit', run);
	$('download').addEventListener('click', () => {
		const a = document.createElement('a');
		a.href = URL.createObjectURL(new Blob([lastJson], { type: 'application/json' }));
		a.download = 'agreesign-verify.json';
		document.body.appendChild(a);
		a.click();
		a.remove();
	});
})();
