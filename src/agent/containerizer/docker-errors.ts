/**
 * Errors of the Docker containerizer, one class per condition. Each is also a
 * `ContainerLaunchError` when it stops a launch, so the agent fails the task with
 * REASON_CONTAINER_LAUNCH_FAILED and the message as it is.
 */
import { ContainerLaunchError } from './containerizer.js';

/**
 * The ContainerInfo cannot be run as given (bad network, port outside the task's
 * ports, unknown `parameters` key, relative volume paths…). Not retryable: the same
 * TaskInfo fails the same way. Mirrors the errors of Mesos's `Docker::RunOptions::create`.
 */
export class DockerConfigError extends ContainerLaunchError {
  readonly reason = 'DOCKER_CONFIG_INVALID';
}

/**
 * The image is not on the host and could not be pulled (offline, unknown name,
 * timed out): message `Failed to pull image '<name>': <why>`. Retryable once the
 * image exists.
 */
export class DockerPullError extends ContainerLaunchError {
  readonly reason = 'DOCKER_PULL_FAILED';
  constructor(
    readonly image: string,
    why: string,
    options?: ErrorOptions,
  ) {
    super(`Failed to pull image '${image}': ${why}`, options);
  }
}

/** The Docker engine did not answer or refused a call (socket absent, daemon down). */
export class DockerEngineError extends ContainerLaunchError {
  readonly reason = 'DOCKER_ENGINE_FAILED';
}
