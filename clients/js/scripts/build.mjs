// Builds the package: dist/herald.js (one minified ES module, no dependencies), dist/herald.d.ts, and
// the copy herald serves at /herald.js (web/herald.js, embedded into the binary). Prints the sizes.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_COPY = path.resolve(root, '../../web/herald.js');

/** The bundled module's text, as `npm run build` writes it. */
export async function bundle() {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const result = await build({
    entryPoints: [path.join(root, 'src/index.js')],
    bundle: true,
    format: 'esm',
    target: 'es2020',
    minify: true,
    write: false,
    legalComments: 'none',
    banner: { js: `// herald-client ${version}: the herald browser client (built from clients/js; do not edit)` },
  });
  return result.outputFiles[0].text;
}

async function main() {
  const code = await bundle();
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(root, 'dist/herald.js'), code);
  fs.copyFileSync(path.join(root, 'src/herald.d.ts'), path.join(root, 'dist/herald.d.ts'));
  fs.writeFileSync(WEB_COPY, code);
  const gzipped = zlib.gzipSync(code, { level: 9 }).length;
  console.log(`dist/herald.js ${code.length} bytes, ${gzipped} bytes gzipped; copied to web/herald.js`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
