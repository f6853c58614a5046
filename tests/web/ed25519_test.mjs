// tests/web/ed25519_test.mjs VECTORS NATIVE MODULE: the Ed25519 vectors of
// the unit tests (VECTORS = tests/vectors/external: RFC 8032 section 7.1 and both Wycheproof
// files, as tests/unit/check_vectors.c reads them) through
// ags_ed25519_verify in the wasm build (MODULE, ed25519-check.mjs) and in
// the native one (NATIVE, ed25519-check): the same answer on every vector,
// every "valid" one accepted and every "invalid" one refused (an
// "acceptable" one as the native library decides, which check_vectors
// pins). Ends with "web-ed25519: N passed, N failed".
import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';

const [vectors, native, mod] = process.argv.slice(2);
const vec = (p) => JSON.parse(fs.readFileSync(path.join(vectors, p), 'utf8'));
const cases = [];
for (const v of vec('rfc8032/ed25519_rfc8032_7.1.json').vectors)
	cases.push({ name: 'rfc8032 ' + v.name, sig: v.signature, pk: v.public_key,
		msg: v.message, want: 'valid' });
for (const [file, key] of [['wycheproof/eddsa_test.json', 'key'],
	['wycheproof/ed25519_test.json', 'publicKey']]) {
	for (const g of vec(file).testGroups)
		for (const t of g.tests)
			cases.push({ name: file + ' #' + t.tcId, sig: t.sig, pk: g[key].pk,
				msg: t.msg, want: t.result });
}
const lines = cases.map((c) => c.sig + ' ' + c.pk + ' ' + c.msg);
const nat = spawnSync(native, [], { input: lines.join('\n') + '\n' })
	.stdout.toString().trim().split('\n').map(Number);
const { default: create } = await import(path.resolve(mod));
const m = await create();
let passed = 0, failed = 0;
cases.forEach((c, i) => {
	const got = m.ccall('ags_web_ed25519', 'number', ['string'], [lines[i]]);
	const ok = got === nat[i] && (c.want === 'valid' ? got === 0 :
		c.want === 'invalid' ? got !== 0 : true);
	if (ok) passed++;
	else {
		failed++;
		console.log('FAIL ' + c.name + ': wasm ' + got + ', native ' + nat[i] +
			', expected ' + c.want);
	}
});
if (cases.length < 100) { failed++; console.log('FAIL only ' + cases.length + ' vectors read'); }
console.log('web-ed25519: ' + passed + ' passed, ' + failed + ' failed (' +
	cases.length + ' vectors)');
process.exit(failed ? 1 : 0);
