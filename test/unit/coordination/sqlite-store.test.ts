/** The embedded SQLite store against the Store contract. */
import { SqliteStore } from '../../../src/coordination/sqlite-store.js';
import { storeContract } from './store-contract.js';

storeContract('SqliteStore', async () => new SqliteStore(':memory:'));
