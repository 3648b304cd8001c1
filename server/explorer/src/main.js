// main.js: the explorer's entry point (bundled by build.mjs into app.js).
import './style.css';
import { start } from './ui/app.js';

start(document.getElementById('app'));
