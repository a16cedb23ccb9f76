// Writes dist/sw.js from public/sw.js: the build's id (a hash of every file it serves) and the
// list of files to cache. Run by build_app after Trunk, before the files are precompressed.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = process.argv[2] ?? 'dist';
const skip = (name) => name === 'sw.js' || name.startsWith('.') || name.endsWith('.br') || name.endsWith('.gz');
const names = readdirSync(dist)
  .filter((name) => !skip(name) && statSync(join(dist, name)).isFile())
  .sort();
const hash = createHash('sha256');
for (const name of names) hash.update(name).update('\0').update(readFileSync(join(dist, name)));
const build = hash.digest('hex').slice(0, 16);
const files = names.map((name) => `/${name}`);
const template = readFileSync(new URL('../public/sw.js', import.meta.url), 'utf8');
writeFileSync(join(dist, 'sw.js'), template.replace('__QF_BUILD__', build).replace('__QF_FILES__', JSON.stringify(files)));
console.log(`service worker for build ${build}: ${files.length} files`);
