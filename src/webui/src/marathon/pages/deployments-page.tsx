/** Deployments with their steps and progress; roll back or stop one. */
import { useState } from 'preact/hooks';
import { Card, ErrorNote, Loading, PageTitle } from '../../components/common.js';
import { sendJson } from '../../lib/http.js';
import { href } from '../../lib/route.js';
import type { MarathonSnapshot, MarathonStore } from '../marathon-store.js';
import type { Deployment } from '../marathon-types.js';

/** One deployment: affected apps, each step's actions, the current step marked. */
export function DeploymentCard({ deployment, store }: { deployment: Deployment; store: MarathonStore }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const act = async (force: boolean): Promise<void> => {
    const answer = await sendJson(`/v2/deployments/${encodeURIComponent(deployment.id)}${force ? '?force=true' : ''}`, 'DELETE');
    if (answer.status >= 300) setError(`${answer.status}: ${JSON.stringify(answer.body)}`);
    store.refresh();
  };
  return (
    <Card title={`Deployment ${deployment.id}`} wide>
      <p>
        Step {deployment.currentStep} of {deployment.totalSteps} · version {deployment.version} · apps{' '}
        {deployment.affectedApps.map((id, i) => (
          <span key={id}>
            {i > 0 && ', '}
            <a href={href('app', { id })}>{id}</a>
          </span>
        ))}
      </p>
      <progress max={deployment.totalSteps} value={deployment.currentStep - 1} aria-label="Progress" />
      <ol>
        {deployment.steps.map((step, i) => (
          <li key={i} aria-current={i + 1 === deployment.currentStep ? 'step' : undefined} class={i + 1 < deployment.currentStep ? 'muted' : undefined}>
            {step.actions.map((a) => `${a.action} ${a.app ?? ''}`).join('; ')}
            {i + 1 === deployment.currentStep ? ' ← in progress' : ''}
          </li>
        ))}
      </ol>
      <p class="actions">
        <button type="button" onClick={() => void act(false)}>
          Roll back
        </button>
        <button type="button" class="danger" onClick={() => void act(true)}>
          Stop (keep what is done)
        </button>
      </p>
      {error && <ErrorNote>{error}</ErrorNote>}
    </Card>
  );
}

/** Every running deployment. */
export function DeploymentsPage({ store, snapshot }: { store: MarathonStore; snapshot: MarathonSnapshot }) {
  if (!snapshot.deployments) return <Loading what="deployments" />;
  return (
    <>
      <PageTitle title="Deployments" />
      {snapshot.deployments.length === 0 ? <p class="empty">No deployments in progress.</p> : snapshot.deployments.map((d) => <DeploymentCard key={d.id} deployment={d} store={store} />)}
    </>
  );
}
