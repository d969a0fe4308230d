/** Entry of the Marathon UI (`/ui/` on Marathon). */
import { render } from 'preact';
import '../styles.css';
import { MarathonApp } from './marathon-app.js';
import { MarathonStore } from './marathon-store.js';

const store = new MarathonStore();
store.start();
const root = document.getElementById('app')!;
root.textContent = '';
render(<MarathonApp store={store} />, root);
