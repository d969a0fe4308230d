/** Entry of the Chronos UI (`/` on Chronos). */
import { render } from 'preact';
import '../styles.css';
import './chronos.css';
import { ChronosApp } from './chronos-app.js';
import { ChronosStore } from './chronos-store.js';

const store = new ChronosStore();
store.start();
const root = document.getElementById('app')!;
root.textContent = '';
render(<ChronosApp store={store} />, root);
