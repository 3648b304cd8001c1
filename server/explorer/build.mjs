// build.mjs bundles the explorer with esbuild into dist/: app.js, app.css and
// index.html. Everything comes from node_modules at build time; the page loads
// nothing from other origins, so it works offline under the server's
// Content-Security-Policy of 'self'.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';

const outdir = 'dist';

// dist/README.md stays: it is committed so that //go:embed finds the folder.
await mkdir(outdir, { recursive: true });
for (const name of await readdir(outdir)) {
  if (name !== 'README.md') {
    await rm(`${outdir}/${name}`, { force: true, recursive: true });
  }
}

await build({
  entryPoints: { app: 'src/main.js' },
  outdir,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'linked',
  logLevel: 'info',
});

await copyFile('src/index.html', `${outdir}/index.html`);
