// agreesign-verify.mjs: the browser verifier as an ES module for node
// (README "Verify in a browser"). Emscripten 3.1.6's node code needs
// require and __dirname, which an ES module lacks.
import { createRequire } from 'module';
import { dirname } from 'path';
import { fileURLToPath } from 'url';
const require = createRequire(import.meta.url);
const __dirname = dirname(fileURLToPath(import.meta.url));
