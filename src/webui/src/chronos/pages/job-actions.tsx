/**
 * Run now (`PUT /job/{name}`), enable/disable (the job sent back to its
 * endpoint with `disabled` flipped, as Chronos's UI does) and delete
 * (`DELETE /job/{name}`, after a confirmation), with Chronos's error shown.
 */
import { useState } from 'preact/hooks';
import { sendJson } from '../../lib/http.js';
import type { ChronosJob } from '../chronos-types.js';
import type { ChronosStore } from '../chronos-store.js';
import { API, errorText, submitPath, withDisabled } from '../job-form.js';

/** The buttons for one job. `onDeleted` runs after a successful delete. */
export function JobActions({ job, store, onDeleted }: { job: ChronosJob; store: ChronosStore; onDeleted?: () => void }) {
  const [note, setNote] = useState<{ text: string; bad: boolean } | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const path = `${API}/job/${encodeURIComponent(job.name)}`;
  const act = async (what: string, call: () => Promise<{ status: number; body: unknown }>, done?: () => void): Promise<void> => {
    setBusy(true);
    try {
      const answer = await call();
      if (answer.status < 300) {
        setNote({ text: `${what}: done.`, bad: false });
        done?.();
      } else {
        setNote({ text: `${what} failed: ${errorText(answer.status, answer.body)}`, bad: true });
      }
    } catch (e) {
      setNote({ text: `${what} failed: ${(e as Error).message}`, bad: true });
    } finally {
      setBusy(false);
      store.refresh();
    }
  };
  return (
    <div>
      <span class="job-actions" role="group" aria-label={`Actions for ${job.name}`}>
        <button type="button" disabled={busy} onClick={() => void act('Run now', () => sendJson(path, 'PUT'))} aria-label={`Run ${job.name} now`}>
          Run now
        </button>
        <button
          type="button"
          disabled={busy}
          aria-label={`${job.disabled ? 'Enable' : 'Disable'} ${job.name}`}
          onClick={() => void act(job.disabled ? 'Enable' : 'Disable', () => sendJson(submitPath(job), 'POST', withDisabled(job, !job.disabled)))}
        >
          {job.disabled ? 'Enable' : 'Disable'}
        </button>
        {confirming ? (
          <>
            <button type="button" class="danger" disabled={busy} onClick={() => void act('Delete', () => sendJson(path, 'DELETE'), onDeleted)}>
              Really delete {job.name}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" class="danger" disabled={busy} aria-label={`Delete ${job.name}`} onClick={() => setConfirming(true)}>
            Delete
          </button>
        )}
      </span>
      {note && (
        <p class={note.bad ? 'action-note error-note' : 'action-note'} role={note.bad ? 'alert' : 'status'}>
          {note.text}
        </p>
      )}
    </div>
  );
}
