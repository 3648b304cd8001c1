// build.mjs bundles the playground with esbuild into dist/: app.js, app.css and
// index.html. Nothing is loaded from other origins, so the server can embed
// dist/ and work offline under a Content-Security-Policy of 'self' (plus data:
// fonts and images, which GraphiQL's CSS inlines).
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';

const outdir = 'dist';

// Remove earlier outputs but keep dist/README.md, which is committed so that
// the Go //go:embed directive always has a file to embed.
await mkdir(outdir, { recursive: true });
for (const name of await readdir(outdir)) {
  if (name !== 'README.md') {
    await rm(`${outdir}/${name}`, { force: true, recursive: true });
  }
}

await build({
  entryPoints: { app: 'src/index.jsx' },
  outdir,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  jsx: 'automatic',
  legalComments: 'linked',
  define: { 'process.env.NODE_ENV': '"production"' },
  // GraphiQL's CSS inlines its fonts and images as data: URLs; any other
  // asset becomes a file next to app.css, served under /playground/.
  assetNames: '[name]-[hash]',
  loader: {
    '.woff': 'file',
    '.woff2': 'file',
    '.ttf': 'file',
    '.svg': 'file',
    '.png': 'file',
  },
  logLevel: 'info',
});

await copyFile('src/index.html', `${outdir}/index.html`);
