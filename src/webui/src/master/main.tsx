/** Entry of the master UI (`/` on the master). */
import { render } from 'preact';
import '../styles.css';
import { MasterApp } from './master-app.js';
import { ClusterStore } from './cluster-store.js';

const store = new ClusterStore();
store.start();
const root = document.getElementById('app')!;
// The static "Loading…" placeholder is not Preact's to diff: clear it first.
root.textContent = '';
render(<MasterApp store={store} />, root);
